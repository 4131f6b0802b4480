/**
 * Detection latency of a fast burn, on the real clock: from the moment the data that makes an
 * SLO's page condition true is in (T0) to the page's webhook reaching a local receiver (T1) —
 * for Headroom (built server, embedded stream, its own evaluator, router and outbox) and, in the
 * same run on the same data, for Prometheus 2.42 with Headroom's exported rule file and
 * Alertmanager 0.25, both with their default timings.
 *
 * How: `runs` SLOs (plus one routed with Alertmanager's default group_wait 30s) get three days of
 * healthy history, then one record per SLO and minute, sent a little after each minute ends
 * (SLO i at its own offset into the minute, so the runs sample different phases of both
 * systems' timers). Every acknowledged record is also added to the exporter's counters that
 * Prometheus scrapes, at the same instant, so both systems get each minute's data at the same
 * time; the history reaches Prometheus as backfilled TSDB blocks of the same series. At one
 * minute every SLO starts failing `errorRate` of its requests. T0 is when Headroom acknowledges
 * (200, committed) the ingest request carrying the first minute whose data makes the page
 * condition true — the 1h and 5m burn rates above 14.4 with at least 70 events, computed here
 * from the data sent with Headroom's window bounds; T1 is when the webhook body with a firing
 * `alertname=ErrorBudgetBurn, tier=page` alert for that SLO has fully arrived.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { SIGNATURE_HEADER, verifySignature } from '@headroom/core/notifications/signature';
import {
  alertingYaml,
  apply,
  DEFAULT_WAIT_SLO,
  expectStatus,
  exportRules,
  headroomSource,
  sloYaml,
  startHeadroom,
  TARGET,
} from './_alerts-latency-headroom.mjs';
import {
  ALERTMANAGER,
  freePort,
  getJson,
  historyOpenMetrics,
  PROMETHEUS,
  PROMTOOL,
  runTool,
  startAlertmanager,
  startExporter,
  startPrometheus,
  startWebhookReceiver,
  versionOf,
} from './_alerts-latency-peers.mjs';
import { log } from './_lib.mjs';

const MINUTE = 60_000;
/** The page tier of a 30-day SLO: 1h and 5m burn rates above 14.4, with ≥ ⌈1/(0.001·14.4)⌉ events. */
const PAGE = { factor: 14.4, longMinutes: 60, shortMinutes: 5, minEvents: 70 };
const JOB = 'bench';

export const DEFAULTS = {
  intervalSeconds: 10,
  runs: 3,
  defaultWaitRun: true,
  errorRate: 0.5,
  baseErrorRate: 0.0005,
  requestsPerMinute: 1000,
  historyDays: 3,
  prometheus: true,
  settleSeconds: 240,
};

/** Deterministic noise in [0, 1) per (SLO, minute), so every run sends the same data. */
function noise(a, b) {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function median(values) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : Math.round((s[mid - 1] + s[mid]) / 2);
}

/** First firing page per SLO among the receiver's arrivals on `path`. */
function firstPages(received, path) {
  const out = new Map();
  for (const r of received) {
    if (r.path !== path || !Array.isArray(r.body?.alerts)) continue;
    for (const a of r.body.alerts) {
      const l = a.labels ?? {};
      if (a.status !== 'firing' || l.alertname !== 'ErrorBudgetBurn' || l.tier !== 'page') continue;
      if (!out.has(l.slo)) out.set(l.slo, { at: r.at, startsAt: Date.parse(a.startsAt), request: r });
    }
  }
  return out;
}

export async function detectionLatency(options = {}) {
  const o = { ...DEFAULTS, ...options };
  for (const key of ['intervalSeconds', 'runs', 'requestsPerMinute', 'historyDays', 'settleSeconds'])
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`${key} must be a positive integer`);
  if (!(o.errorRate > 0 && o.errorRate <= 1)) throw new Error('errorRate must be in (0, 1]');
  const notes = [];
  const cleanups = [];
  const startedAt = Date.now();
  let withPrometheus = o.prometheus;
  if (withPrometheus) {
    const missing = [PROMETHEUS, PROMTOOL, ALERTMANAGER].filter((b) => !existsSync(b));
    if (missing.length > 0) {
      withPrometheus = false;
      notes.push(
        `Prometheus/Alertmanager not measured: ${missing.join(', ')} missing (apt-get install prometheus prometheus-alertmanager).`,
      );
    }
  }

  // SLO i sends minute m's data at the end of m plus its offset: 2 s, then spread over the minute.
  const names = Array.from({ length: o.runs }, (_, i) => `latency-${i + 1}`);
  if (o.defaultWaitRun) names.push(DEFAULT_WAIT_SLO);
  const slos = names.map((name, i) => ({
    name,
    index: i,
    offsetMs: 2_000 + Math.round((i * 56_000) / names.length),
  }));
  const fault = { fromMinute: Number.POSITIVE_INFINITY };
  const counts = (slo, m) => {
    const total = Math.round(o.requestsPerMinute * (0.95 + 0.1 * noise(slo.index, m)));
    const rate = m >= fault.fromMinute ? o.errorRate : o.baseErrorRate;
    const bad = Math.min(total, Math.floor(total * rate + noise(slo.index + 101, m)));
    return { good: total - bad, total };
  };
  // Headroom's windows at a `now` inside minute m+1: the last N buckets ending with m+1 (empty then).
  const pageTrueAfter = (slo, m) => {
    const sum = (minutes) => {
      let bad = 0;
      let total = 0;
      for (let k = m + 2 - minutes; k <= m; k++) {
        const c = counts(slo, k);
        bad += c.total - c.good;
        total += c.total;
      }
      return { burn: total > 0 ? bad / total / (1 - TARGET) : 0, total };
    };
    const long = sum(PAGE.longMinutes);
    const short = sum(PAGE.shortMinutes);
    return long.burn > PAGE.factor && short.burn > PAGE.factor && long.total >= PAGE.minEvents;
  };

  try {
    const dir = await mkdtemp(join(os.tmpdir(), 'headroom-alerts-latency-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const receiver = await startWebhookReceiver();
    cleanups.push(() => receiver.close());
    const exporter = await startExporter();
    cleanups.push(() => exporter.close());

    log(`alerts-latency: starting Headroom (evaluation every ${o.intervalSeconds} s)`);
    const secret = `whsec_bench_${randomBytes(8).toString('hex')}`;
    const { api } = await startHeadroom(
      {
        HEADROOM_EVALUATION_INTERVAL_SECONDS: String(o.intervalSeconds),
        HEADROOM_ALERT_PIPELINE_INTERVAL_MS: '1000',
        HEADROOM_OUTBOUND_ALLOW: 'loopback',
        HEADROOM_NOTIFICATION_POLL_MS: '200',
      },
      cleanups,
    );
    await apply(api, [
      ['alerting.yaml', alertingYaml(`${receiver.url}/headroom`, secret)],
      ...slos.map((s) => [`${s.name}.yaml`, sloYaml(s.name, headroomSource)]),
    ]);

    let prometheus;
    let alertmanager;
    const peer = {};
    const prometheusPort = withPrometheus ? await freePort() : 0;
    const rulesFile = join(dir, 'headroom.rules.yml');
    if (withPrometheus) {
      log('alerts-latency: exporting the rules from Headroom; starting Alertmanager');
      [peer.prometheusVersion, peer.alertmanagerVersion] = await Promise.all([
        versionOf(PROMETHEUS),
        versionOf(ALERTMANAGER),
      ]);
      await exportRules({ slos, prometheusUrl: `http://127.0.0.1:${prometheusPort}`, file: rulesFile });
      alertmanager = await startAlertmanager({ dir, receiverUrl: `${receiver.url}/alertmanager` });
      cleanups.push(() => alertmanager.stop());
    }

    // History: every minute before the current one, to Headroom in one batch and to Prometheus as
    // blocks ending at this minute's start; the exporter continues from the same sums.
    const firstLive = Math.floor(Date.now() / MINUTE);
    const firstMinute = firstLive - o.historyDays * 1440;
    log(`alerts-latency: ${o.historyDays} days of history for ${slos.length} SLOs`);
    const lines = [];
    for (const slo of slos) {
      let ok = 0;
      let err = 0;
      for (let m = firstMinute; m < firstLive; m++) {
        const c = counts(slo, m);
        lines.push(
          `{"stream":"${slo.name}","ts":${m * MINUTE + 30_000},"good":${c.good},"total":${c.total}}`,
        );
        ok += c.good;
        err += c.total - c.good;
      }
      exporter.set(slo.name, ok, err);
    }
    const history = await expectStatus(
      api('POST', '/ingest/events', `${lines.join('\n')}\n`, {
        type: 'application/x-ndjson',
        headers: { 'idempotency-key': `history-${randomBytes(6).toString('hex')}` },
      }),
      200,
      'ingesting the history',
    );
    if (JSON.parse(history.text).accepted !== lines.length) throw new Error(`history: ${history.text}`);

    if (withPrometheus) {
      const om = join(dir, 'history.om');
      await writeFile(
        om,
        historyOpenMetrics({
          slos: slos.map((s) => s.name),
          firstMinute,
          endMinute: firstLive,
          minuteCounts: (name, m) =>
            counts(
              slos.find((s) => s.name === name),
              m,
            ),
          job: JOB,
          instance: exporter.address,
        }),
      );
      await runTool(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', '-q', om, join(dir, 'data')]);
      prometheus = await startPrometheus({
        dir,
        port: prometheusPort,
        rulesFile,
        exporter: exporter.address,
        alertmanager: alertmanager.address,
        job: JOB,
      });
      cleanups.push(() => prometheus.stop());
      const rules = await getJson(`${prometheus.url}/api/v1/rules?type=alert`);
      const loaded = rules.data.groups.flatMap((g) => g.rules).length;
      if (loaded !== slos.length * 2) throw new Error(`Prometheus loaded ${loaded} alerting rules`);
      const status = await getJson(`${prometheus.url}/api/v1/status/config`);
      peer.scrapeInterval = /scrape_interval: (\S+)/.exec(status.data.yaml)?.[1] ?? null;
      peer.evaluationInterval = /evaluation_interval: (\S+)/.exec(status.data.yaml)?.[1] ?? null;
      const am = await getJson(`${alertmanager.url}/api/v2/status`);
      // The route sets no timing, so Alertmanager's defaults apply (its config shows none of them).
      const defaults = { group_wait: '30s', group_interval: '5m', repeat_interval: '4h' };
      for (const [key, value] of Object.entries(defaults))
        peer[key] = new RegExp(`${key}: (\\S+)`).exec(am.config.original)?.[1] ?? value;
    }

    // The fault starts in the current minute; its data goes out when the minute ends.
    fault.fromMinute = Math.floor(Date.now() / MINUTE);
    for (const slo of slos) {
      let m = fault.fromMinute;
      while (!pageTrueAfter(slo, m)) m++;
      slo.conditionMinute = m;
      slo.faultMinutesBeforeTrue = m - fault.fromMinute + 1;
    }
    const t0s = new Map();
    const next = new Map(slos.map((s) => [s.name, firstLive]));
    const dueAt = (slo) => (next.get(slo.name) + 1) * MINUTE + slo.offsetMs;
    const lastCondition = Math.max(...slos.map((s) => (s.conditionMinute + 1) * MINUTE + s.offsetMs));
    log(
      `alerts-latency: ${Math.round(o.errorRate * 100)} % errors from ${new Date(fault.fromMinute * MINUTE).toISOString()}; ` +
        `page conditions true with the data sent by ${new Date(lastCondition).toISOString()}`,
    );
    const expected = (path) => (path === '/headroom' || withPrometheus ? slos.length : 0);
    const done = () =>
      t0s.size === slos.length &&
      ['/headroom', '/alertmanager'].every((p) => firstPages(receiver.received, p).size >= expected(p));
    // A bound even if a T0 were never reached; tightened once every T0 is known.
    let deadline = lastCondition + (o.settleSeconds + 60) * 1000;
    let batch = 0;
    const seen = new Set();
    while (!done() && Date.now() < deadline) {
      for (const slo of slos) {
        while (dueAt(slo) <= Date.now()) {
          const m = next.get(slo.name);
          const c = counts(slo, m);
          const res = await expectStatus(
            api(
              'POST',
              '/ingest/events',
              `{"stream":"${slo.name}","ts":${m * MINUTE + 30_000},"good":${c.good},"total":${c.total}}\n`,
              {
                type: 'application/x-ndjson',
                headers: { 'idempotency-key': `live-${startedAt}-${batch++}` },
              },
            ),
            200,
            `ingesting ${slo.name} minute ${m}`,
          );
          // Prometheus' exporter gets the same counts at the same instant.
          exporter.add(slo.name, c.good, c.total - c.good);
          if (m === slo.conditionMinute) {
            t0s.set(slo.name, res.at);
            log(`alerts-latency: ${slo.name}: page condition true in the data (T0)`);
            if (t0s.size === slos.length) deadline = res.at + o.settleSeconds * 1000;
          }
          next.set(slo.name, m + 1);
        }
      }
      const wake = Math.min(deadline, ...slos.map(dueAt));
      await receiver.next(Math.max(10, wake - Date.now()));
      for (const path of ['/headroom', '/alertmanager'])
        for (const [slo, page] of firstPages(receiver.received, path))
          if (!seen.has(`${path} ${slo}`) && t0s.has(slo)) {
            seen.add(`${path} ${slo}`);
            log(`alerts-latency: ${slo}: page from ${path.slice(1)} after ${page.at - t0s.get(slo)} ms`);
          }
    }

    const side = (path) => {
      const pages = firstPages(receiver.received, path);
      return slos.map((slo) => {
        const t0 = t0s.get(slo.name);
        const page = pages.get(slo.name);
        return {
          slo: slo.name,
          sentSecondsAfterMinuteEnd: slo.offsetMs / 1000,
          faultMinutesBeforeTrue: slo.faultMinutesBeforeTrue,
          t0: new Date(t0).toISOString(),
          latencyMs: page ? page.at - t0 : null,
          // Split by the alert's own startsAt: detection (evaluation) and notification.
          detectedAfterMs: page && Number.isFinite(page.startsAt) ? page.startsAt - t0 : null,
          notifiedAfterDetectionMs: page && Number.isFinite(page.startsAt) ? page.at - page.startsAt : null,
        };
      });
    };
    const summary = (runs) => {
      const latencies = runs.map((r) => r.latencyMs).filter((x) => x !== null);
      return {
        latenciesMs: latencies,
        medianMs: median(latencies),
        maxMs: latencies.length ? Math.max(...latencies) : null,
        missed: runs.filter((r) => r.latencyMs === null).map((r) => r.slo),
      };
    };
    const headroomRuns = side('/headroom');
    const fast = headroomRuns.filter((r) => r.slo !== DEFAULT_WAIT_SLO);
    const targetMs = o.intervalSeconds * 1000 + 2000;
    const h = summary(fast);
    // Headroom's pages are signed webhooks: check each with the channel's secret, as a receiver would.
    const signed = await Promise.all(
      [...firstPages(receiver.received, '/headroom').values()].map(async ({ request }) => {
        const check = await verifySignature(
          request.headers[SIGNATURE_HEADER.toLowerCase()],
          request.text,
          secret,
          {
            nowSeconds: request.at / 1000,
          },
        );
        return check.valid;
      }),
    );
    const result = {
      headroom: {
        evaluationIntervalSeconds: o.intervalSeconds,
        alertPipelineIntervalMs: 1000,
        notificationPollMs: 200,
        groupWait: '0s',
        ...h,
        signaturesVerified: signed.length > 0 && signed.every(Boolean),
        targetMs,
        met: h.missed.length === 0 && h.maxMs !== null && h.maxMs <= targetMs,
        runs: fast,
        ...(o.defaultWaitRun && {
          defaultGroupWait: {
            groupWait: '30s',
            ...summary(headroomRuns.filter((r) => r.slo === DEFAULT_WAIT_SLO)),
            runs: headroomRuns.filter((r) => r.slo === DEFAULT_WAIT_SLO),
          },
        }),
      },
      prometheusAlertmanager: null,
    };
    if (withPrometheus) {
      const runs = side('/alertmanager');
      result.prometheusAlertmanager = {
        prometheus: peer.prometheusVersion,
        alertmanager: peer.alertmanagerVersion,
        scrapeInterval: peer.scrapeInterval,
        evaluationInterval: peer.evaluationInterval,
        groupWait: peer.group_wait,
        groupInterval: peer.group_interval,
        repeatInterval: peer.repeat_interval,
        ...summary(runs),
        runs,
      };
    }
    const early = [...headroomRuns, ...(result.prometheusAlertmanager?.runs ?? [])].filter(
      (r) => r.latencyMs !== null && r.latencyMs < 0,
    );
    if (early.length > 0)
      notes.push(
        `A page arrived before its T0 (${early.map((r) => r.slo).join(', ')}): the data did not flip when computed.`,
      );
    notes.push(
      'T0 = the moment Headroom acknowledged (200, committed) the ingest request carrying the first minute whose data makes ' +
        `the page condition true (1h and 5m burn rates > ${PAGE.factor}, ≥ ${PAGE.minEvents} events; computed from the data sent, ` +
        'with Headroom’s window bounds); the exporter’s counters take the same counts at that instant. ' +
        'T1 = when the webhook body with the firing ErrorBudgetBurn tier=page alert of that SLO had fully arrived at the local receiver. ' +
        'Each minute’s data is sent once the minute has ended, SLO i at its own offset (sentSecondsAfterMinuteEnd), so runs sample different timer phases.',
      `Data: ${o.requestsPerMinute} requests a minute (±5 %) per SLO, ${o.baseErrorRate * 100} % errors, ${o.historyDays} days of history; ` +
        `then ${o.errorRate * 100} % errors, which makes the condition true after ${slos[0].faultMinutesBeforeTrue} faulty minute(s).`,
      `Headroom: evaluator every ${o.intervalSeconds} s, the routing pipeline nudged after each pass (1 s tick otherwise), the outbox polled every 200 ms, ` +
        'route group_wait 0s for the page. latency-default-wait goes through a route with Alertmanager’s default group_wait 30s: ' +
        'a new group waits 30 s before its first notification, which adds about 30 s.',
      'Prometheus/Alertmanager: default timings (no global block: scrape_interval and evaluation_interval 1m; route group_wait 30s, ' +
        'group_interval 5m, repeat_interval 4h). Expected: next scrape (0–60 s) + next rule evaluation (0–60 s) + group_wait 30 s. ' +
        'Alertmanager groups by [alertname, slo] (grouping, not a timing), as Headroom’s route does, so each SLO’s page is a new group; ' +
        'detectedAfterMs is the alert’s startsAt (the evaluation that fired it) minus T0.',
    );
    return { ...result, notes, totalSeconds: Math.round((Date.now() - startedAt) / 1000) };
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (error) {
        log(`alerts-latency: cleanup: ${error.message}`);
      }
    }
  }
}
