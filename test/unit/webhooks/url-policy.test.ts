import { describe, expect, it } from "vitest";
import { nonPublicAddressReason } from "../../../worker/webhooks/ip-range";
import { checkWebhookUrl, MAX_WEBHOOK_URL_LENGTH } from "../../../worker/webhooks/url-policy";

const ALLOWED: [url: string, allowHosts: string[]][] = [
  ["https://hooks.example.com/leadscore", []],
  ["https://hooks.example.com:8443/leadscore?x=1#frag", []],
  ["https://hooks.example.com:443/leadscore", []],
  ["https://hooks.example.com:80/leadscore", []],
  ["https://hooks.example.com:9000/leadscore", ["hooks.example.com:9000"]],
  ["https://[64:ff9b::808:808]/hook", []],
  ["https://8.8.8.8/hook", []],
  ["https://[2606:4700:4700::1111]/hook", []],
  ["https://[::ffff:8.8.8.8]/hook", []],
  ["https://example.com./hook", []],
  ["https://xn--caf-dma.example/hook", []],
  // Operator-listed hosts for local development, http allowed:
  ["http://localhost:8787/hook", ["localhost:8787"]],
  ["http://localhost:9999/hook", ["localhost"]],
  ["http://127.0.0.1:3000/hook", ["127.0.0.1:3000"]],
  ["http://[::1]:3000/hook", ["[::1]:3000"]],
  ["http://LOCALHOST:8787/hook", ["localhost:8787"]],
  ["http://receiver.internal/hook", ["receiver.internal:80"]],
  ["https://10.0.0.5/hook", ["10.0.0.5"]],
];

const REJECTED: [url: string, allowHosts: string[], reason: RegExp][] = [
  ["http://hooks.example.com/", [], /only https/],
  ["ftp://hooks.example.com/", [], /only https/],
  ["ftp://localhost/", ["localhost"], /only http or https/],
  ["not a url", [], /not a valid/],
  ["/relative/path", [], /not a valid/],
  ["https://user:pass@hooks.example.com/", [], /credentials/],
  ["https://user@hooks.example.com/", [], /credentials/],
  ["http://user@localhost:8787/", ["localhost:8787"], /credentials/],
  [`https://example.com/${"a".repeat(MAX_WEBHOOK_URL_LENGTH)}`, [], /longer than/],
  // IPv4 ranges
  ["https://0.0.0.0/", [], /"this" network/],
  ["https://10.1.2.3/", [], /private \(10\.0\.0\.0\/8\)/],
  ["https://100.64.0.1/", [], /carrier-grade NAT/],
  ["https://100.127.255.255/", [], /carrier-grade NAT/],
  ["https://127.0.0.1/", [], /loopback/],
  ["https://127.255.255.254/", [], /loopback/],
  ["https://169.254.169.254/latest/meta-data/", [], /link-local/],
  ["https://172.16.0.1/", [], /private \(172\.16/],
  ["https://172.31.255.255/", [], /private \(172\.16/],
  ["https://192.0.0.8/", [], /reserved \(192\.0\.0\.0\/24\)/],
  ["https://192.0.2.1/", [], /reserved \(192\.0\.2\.0\/24\)/],
  ["https://192.168.1.1/", [], /private \(192\.168/],
  ["https://198.18.0.1/", [], /reserved \(198\.18\.0\.0\/15\)/],
  ["https://203.0.113.7/", [], /reserved \(203\.0\.113\.0\/24\)/],
  ["https://224.0.0.1/", [], /multicast/],
  ["https://239.255.255.250/", [], /multicast/],
  ["https://240.0.0.1/", [], /reserved/],
  ["https://255.255.255.255/", [], /broadcast/],
  // Other spellings of 127.0.0.1 that the URL parser accepts
  ["https://2130706433/", [], /loopback/],
  ["https://0x7f.1/", [], /loopback/],
  ["https://0x7f000001/", [], /loopback/],
  ["https://0177.0.0.1/", [], /loopback/],
  ["https://127.1/", [], /loopback/],
  ["https://0/", [], /"this" network/],
  ["https://127.0.0.1./", [], /loopback/],
  ["http://2130706433/", [], /only https/],
  // IPv6
  ["https://[::1]/", [], /loopback/],
  ["https://[::]/", [], /unspecified/],
  ["https://[0:0:0:0:0:0:0:1]/", [], /loopback/],
  ["https://[::ffff:127.0.0.1]/", [], /IPv4-mapped.*loopback/],
  ["https://[::ffff:7f00:1]/", [], /IPv4-mapped.*loopback/],
  ["https://[::ffff:10.0.0.1]/", [], /IPv4-mapped.*private/],
  ["https://[::ffff:169.254.169.254]/", [], /IPv4-mapped.*link-local/],
  // The deprecated IPv4-compatible form: the URL parser makes it [::7f00:1], outside 2000::/3.
  ["https://[::127.0.0.1]/", [], /not global unicast/],
  ["https://[64:ff9b::7f00:1]/", [], /NAT64.*loopback/],
  ["https://[fc00::1]/", [], /unique local/],
  ["https://[fd12:3456:789a::1]/", [], /unique local/],
  ["https://[fe80::1]/", [], /link-local/],
  ["https://[febf::1]/", [], /link-local/],
  ["https://[fec0::1]/", [], /site-local/],
  ["https://[ff02::1]/", [], /multicast/],
  ["https://[2001:db8::1]/", [], /reserved \(2001:db8::\/32\)/],
  ["https://[2001::1]/", [], /Teredo/],
  ["https://[2001:2::1]/", [], /benchmarking/],
  ["https://[2002:7f00:1::1]/", [], /6to4/],
  ["https://[100::1]/", [], /discard-only/],
  ["https://[4000::1]/", [], /not global unicast/],
  // Names that are not public
  ["https://localhost/", [], /"\.localhost"/],
  ["https://LOCALHOST:8443/", [], /"\.localhost"/],
  ["https://localhost./", [], /"\.localhost"/],
  ["https://app.localhost/", [], /"\.localhost"/],
  ["https://printer.local/", [], /"\.local"/],
  ["https://metadata.google.internal/", [], /"\.internal"/],
  ["https://router.home.arpa/", [], /"\.home\.arpa"/],
  ["https://intranet/", [], /single-label/],
  // An allow entry with a port does not open other ports or other hosts
  ["http://localhost:8788/", ["localhost:8787"], /only https/],
  ["https://localhost:8788/", ["localhost:8787"], /"\.localhost"/],
  ["http://127.0.0.2:3000/", ["127.0.0.1:3000"], /only https/],
  ["https://127.0.0.1/", ["127.0.0.1:80"], /loopback/],
  // Ports other than 443, 80 and 8443 need the host:port allow-listed
  ["https://hooks.example.com:22/", [], /port 22 is not allowed/],
  ["https://hooks.example.com:8080/hook", [], /port 8080/],
  ["https://8.8.8.8:25/", [], /port 25/],
  ["https://hooks.example.com:9000/", ["hooks.example.com:9001"], /port 9000/],
];

describe("checkWebhookUrl", () => {
  it.each(ALLOWED)("allows %s (allowHosts %j)", (url, allowHosts) => {
    expect(checkWebhookUrl(url, allowHosts)).toEqual({ ok: true });
  });

  it.each(REJECTED)("rejects %s (allowHosts %j)", (url, allowHosts, reason) => {
    const result = checkWebhookUrl(url, allowHosts);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toMatch(reason);
  });
});

describe("IP literals (ipaddr.js)", () => {
  it.each([
    ["127.0.0.1", "loopback (127.0.0.0/8)"],
    ["2130706433", "loopback (127.0.0.0/8)"],
    ["0x7f.1", "loopback (127.0.0.0/8)"],
    ["0177.0.0.01", "loopback (127.0.0.0/8)"],
    ["127.1", "loopback (127.0.0.0/8)"],
    ["10.0x10203", "private (10.0.0.0/8)"],
    ["100.64.0.1", "carrier-grade NAT (100.64.0.0/10)"],
    ["169.254.169.254", "link-local (169.254.0.0/16)"],
    ["8.8.8.8", null],
  ])("judges IPv4 %s", (text, reason) => expect(nonPublicAddressReason(text, "ipv4")).toBe(reason));

  it.each(["256.0.0.1", "1.2.3.4.5", "4294967296", "08", "0x7g", "example.com", "", "1..2"])("refuses IPv4 %j", (text) =>
    expect(nonPublicAddressReason(text, "ipv4")).toBe("not a valid IPv4 address"),
  );

  it.each([
    ["::", "unspecified (::/128)"],
    ["::1", "loopback (::1/128)"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback (127.0.0.0/8)"],
    ["::ffff:7f00:1", "IPv4-mapped loopback (127.0.0.0/8)"],
    ["64:ff9b::a00:1", "NAT64 private (10.0.0.0/8)"],
    ["2002:c0a8:101::1", "6to4 private (192.168.0.0/16)"],
    ["fe80::1", "link-local (fe80::/10)"],
    ["1:2:3:4:5:6:1.2.3.4", "not global unicast (outside 2000::/3)"],
    ["2606:4700:4700::1111", null],
    ["::ffff:8.8.8.8", null],
  ])("judges IPv6 %s", (text, reason) => expect(nonPublicAddressReason(text, "ipv6")).toBe(reason));

  it.each(["1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", "::12345", "::1.2.3", "::256.0.0.1", "fe80::1%eth0", ":1"])("refuses IPv6 %j", (text) =>
    expect(nonPublicAddressReason(text, "ipv6")).toBe("not a valid IPv6 address"),
  );
});
