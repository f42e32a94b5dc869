// libdogapi from Node.js with koffi: post an event and a metric, record stats.
//
//   npm ci && LD_LIBRARY_PATH=/path/to/lib DD_API_KEY=... node example.js
//
// DOGAPI_LIBRARY may name the library file (default "libdogapi.so.0" through the loader path).
// When DOG_INTAKE_URL is set (the test suite runs this under `dog-intake run --strict`), it then
// asks the local intake what it received and fails unless the event and the metric arrived.
'use strict';
const dgram = require('dgram');
const koffi = require('koffi');

const lib = koffi.load(process.env.DOGAPI_LIBRARY || 'libdogapi.so.0');

koffi.opaque('dog_http_t');
koffi.opaque('dog_response_t');
koffi.opaque('dog_stats_t');
koffi.opaque('dog_stats_options_t');
koffi.opaque('dog_stats_counter_t');
koffi.alias('dog_status_t', 'int32_t');
const dog = {
  version: lib.func('const char *dog_version(void)'),
  lastError: lib.func('const char *dog_error_last(void)'),
  statusStr: lib.func('const char *dog_status_str(dog_status_t status)'),
  httpNew: lib.func('dog_http_t *dog_http_new(const char *api_key, const char *app_key)'),
  httpFree: lib.func('void dog_http_free(dog_http_t *client)'),
  eventPost: lib.func('dog_status_t dog_event_post(dog_http_t *client, const char *title, const char *text, ' +
    'int64_t date_happened, const char *handle, const char *priority, int64_t related_event_id, ' +
    'const char *tags, const char *host, const char *device_name, const char *aggregation_key, ' +
    'const char *source_type_name, const char *extra_json, _Out_ dog_response_t **out_response)'),
  metricPost: lib.func('dog_status_t dog_metric_post(dog_http_t *client, const char *name, double value, ' +
    'const char *host, const char *device, const char *tags, const char *type, ' +
    '_Out_ dog_response_t **out_response)'),
  responseId: lib.func('const char *dog_response_id(const dog_response_t *response)'),
  responseFree: lib.func('void dog_response_free(dog_response_t *response)'),
};

// The stats aggregator (DogStatsApi) and its options (an opaque object with one setter each).
const stats = {
  optionsNew: lib.func('dog_stats_options_t *dog_stats_options_new(void)'),
  optionsFree: lib.func('void dog_stats_options_free(dog_stats_options_t *opts)'),
  setFlushInterval: lib.func('dog_status_t dog_stats_options_set_flush_interval(dog_stats_options_t *opts, double seconds)'),
  setHost: lib.func('dog_status_t dog_stats_options_set_host(dog_stats_options_t *opts, const char *host)'),
  setDogstatsdUrl: lib.func('dog_status_t dog_stats_options_set_dogstatsd_url(dog_stats_options_t *opts, const char *url)'),
  setFlushInThread: lib.func('dog_status_t dog_stats_options_set_flush_in_thread(dog_stats_options_t *opts, bool on)'),
  create: lib.func('dog_stats_t *dog_stats_new(void)'),
  start: lib.func('dog_status_t dog_stats_start(dog_stats_t *stats, const dog_stats_options_t *opts)'),
  increment: lib.func('dog_status_t dog_stats_increment(dog_stats_t *stats, const char *name, double value, const char *tags)'),
  gauge: lib.func('dog_status_t dog_stats_gauge(dog_stats_t *stats, const char *name, double value, const char *tags)'),
  histogram: lib.func('dog_status_t dog_stats_histogram(dog_stats_t *stats, const char *name, double value, const char *tags)'),
  // A pre-registered counter: name and tags checked once, then counterAdd reads no string.
  counterNew: lib.func('dog_stats_counter_t *dog_stats_counter_new(dog_stats_t *stats, const char *name, const char *tags)'),
  counterAdd: lib.func('dog_status_t dog_stats_counter_add(dog_stats_counter_t *counter, double value)'),
  counterFree: lib.func('void dog_stats_counter_free(dog_stats_counter_t *counter)'),
  distribution: lib.func('dog_status_t dog_stats_distribution(dog_stats_t *stats, const char *name, double value, const char *tags)'),
  stop: lib.func('dog_status_t dog_stats_stop(dog_stats_t *stats, double timeout_seconds)'),
  free: lib.func('void dog_stats_free(dog_stats_t *stats)'),
};

function check(status) {
  if (status !== 0) throw new Error(`${dog.statusStr(status)}: ${dog.lastError()}`);
}

async function main() {
  console.log('libdogapi', dog.version());
  const client = dog.httpNew(null, null); // keys from DD_API_KEY / DD_APP_KEY
  if (!client) throw new Error(dog.lastError());
  try {
    const out = [null];
    const status = dog.eventPost(client, 'Node example', 'Hello from koffi', 0, null, null, 0,
      'lang:node,example:ffi', null, null, null, null, null, out);
    try {
      check(status);
      console.log('event posted, id', dog.responseId(out[0]));
    } finally {
      dog.responseFree(out[0]); // NULL is fine
    }
    check(dog.metricPost(client, 'example.node.requests', 17, null, null, 'lang:node', 'count', null));
    console.log('metric posted');
  } finally {
    dog.httpFree(client);
  }

  const st = stats.create();
  try {
    const opts = stats.optionsNew(); // unset options: defaults; host/key from DATADOG_HOST / DD_API_KEY
    try {
      check(stats.setFlushInterval(opts, 10));
      check(stats.setHost(opts, 'node-example'));
      check(stats.start(st, opts));
    } finally {
      stats.optionsFree(opts); // dog_stats_start copied them
    }
    for (let i = 0; i < 10; i++) {
      check(stats.increment(st, 'example.node.stats.count', 1, 'lang:node'));
      check(stats.histogram(st, 'example.node.stats.latency', 0.01 * i, null));
      // every value is sent (/api/v1/distribution_points): percentiles across hosts
      check(stats.distribution(st, 'example.node.stats.size', 100 * i, null));
    }
    check(stats.gauge(st, 'example.node.stats.gauge', 42, null));
    const handled = stats.counterNew(st, 'example.node.stats.handled', 'lang:node');
    if (!handled) throw new Error(dog.lastError());
    try {
      for (let i = 0; i < 5; i++) check(stats.counterAdd(handled, 1));
    } finally {
      stats.counterFree(handled);
    }
    check(stats.stop(st, 10)); // flushes everything, current bucket included
  } finally {
    stats.free(st);
  }
  console.log('stats recorded and flushed');

  // The Agent mode: the same calls sent over DogStatsD to the Datadog Agent (no API key). A UDP
  // socket stands in for the Agent; in production leave the URL unset and let
  // DD_DOGSTATSD_URL / DD_AGENT_HOST choose, or pass 'udp://localhost:8125'.
  const agent = dgram.createSocket('udp4');
  await new Promise((resolve) => agent.bind(0, '127.0.0.1', resolve));
  const received = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the Agent stand-in received nothing')), 10000);
    agent.once('message', (msg) => { clearTimeout(timer); resolve(msg.toString()); });
  });
  const ast = stats.create();
  try {
    const opts = stats.optionsNew();
    try {
      check(stats.setDogstatsdUrl(opts, `udp://127.0.0.1:${agent.address().port}`));
      check(stats.setFlushInThread(opts, false));
      check(stats.start(ast, opts));
    } finally {
      stats.optionsFree(opts);
    }
    for (let i = 0; i < 10; i++) check(stats.increment(ast, 'example.node.agent.count', 1, 'lang:node'));
    check(stats.stop(ast, 10));
  } finally {
    stats.free(ast);
  }
  const datagram = await received;
  agent.close();
  if (!datagram.includes('example.node.agent.count:10|c|#lang:node')) {
    throw new Error(`the Agent stand-in received ${JSON.stringify(datagram)}`);
  }
  console.log('the Agent stand-in received: ' + datagram.trim());

  const intake = process.env.DOG_INTAKE_URL;
  if (intake) {
    const seen = await (await fetch(intake.replace(/\/$/, '') + '/_intake/requests')).json();
    const events = seen.filter((q) => q.path === '/api/v1/events' && q.body && q.body.title === 'Node example');
    const series = seen.filter((q) => q.path === '/api/v1/series' &&
      JSON.stringify(q.body).includes('example.node.requests'));
    // the stats series carry the host set with dog_stats_options_set_host
    const statSeries = seen.filter((q) => q.path === '/api/v1/series' &&
      JSON.stringify(q.body).includes('example.node.stats.count') &&
      JSON.stringify(q.body).includes('example.node.stats.handled') &&
      JSON.stringify(q.body).includes('"node-example"'));
    const dists = seen.filter((q) => q.path === '/api/v1/distribution_points' &&
      JSON.stringify(q.body).includes('example.node.stats.size'));
    const bad = events.concat(series, statSeries, dists).filter((q) => !['valid', 'no_spec'].includes(q.contract));
    if (!events.length || !series.length || !statSeries.length || !dists.length || bad.length) {
      throw new Error(`intake check failed: events=${events.length} series=${series.length} ` +
        `stats=${statSeries.length} distributions=${dists.length} ` +
        `contract problems=${JSON.stringify(bad.map((q) => q.contract_errors))}`);
    }
    console.log('the intake received the event and the metric');
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
