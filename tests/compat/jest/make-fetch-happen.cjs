// Stand-in for `make-fetch-happen` inside the compatibility suite's jest run (see ../jest.config.cjs).
// The suite's client (dist/utils/client.js) posts router queries to a hard-coded
// http://localhost:4000/ (where `fedtest` starts Apollo Router); the hub's gateway listens on a port
// chosen at start-up, passed in ROUTER_URL. Everything else goes to the real make-fetch-happen.
const realFetch = require(globalThis.__COMPAT_MAKE_FETCH_HAPPEN__);

const SUITE_ROUTER_URL = 'http://localhost:4000/';
const routerUrl = process.env.ROUTER_URL;
if (!routerUrl) throw new Error('ROUTER_URL is not set: run the suite through tests/compat/run.ts');

function fetch(url, options) {
  return realFetch(url === SUITE_ROUTER_URL ? routerUrl : url, options);
}
module.exports = Object.assign(fetch, realFetch, { default: fetch });
