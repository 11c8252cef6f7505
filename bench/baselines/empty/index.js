// Baseline: a Worker that answers 200 and does nothing else. It reads the body only because an unread
// request body makes workerd close the connection, and the bench measures keep-alive traffic.
export default {
  async fetch(request) {
    await request.arrayBuffer();
    return new Response("ok");
  },
};
