/** Standard Webhooks for Leadscore: build, sign, check, deliver, and when to retry. */
export * from "./deliver";
export * from "./payload";
export * from "./retry-schedule";
export * from "./sign";
export * from "./url-policy";
export { nonPublicIPv4Reason, nonPublicIPv6Reason, parseIPv4, parseIPv6 } from "./ip-address";
