/**
 * `headroom.dev/v1` kind `Schedule`: an on-call schedule of layers (PagerDuty's model; the maths is
 * in oncall/). Users are catalog users by name (`alice`, or `namespace/name`); apply refuses a
 * schedule naming a user that is neither stored nor declared in the same apply.
 *
 *     apiVersion: headroom.dev/v1
 *     kind: Schedule
 *     metadata: { name: payments-primary }
 *     spec:
 *       owner: payments                 # its editors may change it and its overrides
 *       timeZone: Europe/Berlin
 *       layers:                         # lowest first: a later layer wins where both have someone
 *         - name: weekly
 *           users: [alice, bob, carol]
 *           shiftLength: 1w             # Nh, Nd or Nw
 *           handoffTime: "09:00"        # wall-clock, in the layer's zone
 *           start: 2024-03-04           # the first shift starts at handoffTime that day
 *         - name: office-hours
 *           users: [dave, erin]
 *           shiftLength: 1d
 *           handoffTime: "09:00"
 *           start: 2024-03-04
 *           restrictions:
 *             - { type: daily, days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }
 *             - { type: weekly, from: "fri 18:00", to: "mon 08:00" }
 */
import { parseEntityRef } from '../../catalog/entity-ref.js';
import {
  type Layer,
  type Restriction,
  type Schedule,
  type ShiftLength,
  WEEKDAY_NAMES,
  type Weekday,
} from '../../oncall/model.js';
import { LayerRotation, nominalMs, parseLocalTime } from '../../oncall/rotation.js';
import {
  type Fields,
  isMap,
  type Path,
  readDescription,
  readList,
  readMap,
  readMetadata,
  readName,
  readString,
  warnUnknown,
} from '../openslo/read.js';
import { isTimeZone } from '../openslo/slo.js';
import { toPointer } from '../path.js';
import type { KindRegistry } from '../registry.js';
import type { DesiredObject, KindHandler, NormalizeContext, ObjectReference } from '../types.js';
import { HEADROOM_API_VERSION } from './budget-correction.js';

export const SCHEDULE_KIND = 'Schedule';
export const SCHEDULE_TYPE = 'oncall-schedule';
export const SCHEDULE_REF_KIND = 'schedule';

export const MAX_LAYERS = 20;
export const MAX_USERS_PER_LAYER = 100;
export const MAX_RESTRICTIONS = 50;
const MAX_SHIFT_MS = 366 * 86_400_000;

/** A Schedule, normalized: the core model plus what the API shows. */
export interface ScheduleDefinition extends Schedule {
  displayName: string | null;
  description: string | null;
  /** A team (group) ref as written; null = admins only. */
  owner: string | null;
}

export interface ScheduleObject {
  schedule: ScheduleDefinition;
  document: unknown;
}

export const scheduleRef = (name: string) => `${SCHEDULE_REF_KIND}:default/${name}`;

/** `alice`, `Alice`, `user:default/alice` → `alice`; another namespace stays `ns/name`. */
export function normalizeUserName(text: string): string {
  const r = parseEntityRef(text, { defaultKind: 'user', defaultNamespace: 'default' });
  return r.namespace === 'default' ? r.name : `${r.namespace}/${r.name}`;
}

/** Every user a schedule names, once each, in order of first mention. */
export function scheduleUsers(schedule: Schedule): string[] {
  return [...new Set(schedule.layers.flatMap((l) => l.users))];
}

const SHIFT = /^([1-9]\d{0,3})(h|d|w)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::00)?)?$/;
const USER_NAME = /^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$/;

function readShiftLength(ctx: NormalizeContext, path: Path, value: unknown): ShiftLength | null {
  const text = readString(ctx, path, value, { required: true });
  if (text === null) return null;
  const m = SHIFT.exec(text.trim());
  if (!m) {
    ctx.error(path, `must be a whole number of hours, days or weeks such as 12h, 1d or 1w, not '${text}'`);
    return null;
  }
  const length: ShiftLength = { count: Number(m[1]), unit: m[2] as ShiftLength['unit'] };
  if (nominalMs(length) > MAX_SHIFT_MS) {
    ctx.error(path, `must be at most a year (366d), not '${text}'`);
    return null;
  }
  return length;
}

function readLocalTime(ctx: NormalizeContext, path: Path, value: unknown, required: boolean): string | null {
  const text = readString(ctx, path, value, { required });
  if (text === null) return null;
  const t = text.trim();
  if (parseLocalTime(t) === null) {
    ctx.error(path, `must be a 24-hour time HH:MM such as "09:00" (quote it), not '${text}'`);
    return null;
  }
  return t;
}

/** A YAML 1.1 document reads dates as Dates: they are dates in the layer's zone all the same. */
function dateText(value: unknown): unknown {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value;
}

function validDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m! - 1 && date.getUTCDate() === d;
}

function readDate(ctx: NormalizeContext, path: Path, value: unknown): string | null {
  const text = readString(ctx, path, dateText(value), { required: true });
  if (text === null) return null;
  const t = text.trim();
  if (!DATE.test(t) || !validDate(t)) {
    ctx.error(
      path,
      `must be a date YYYY-MM-DD (the first shift starts at handoffTime that day), not '${text}'`,
    );
    return null;
  }
  return t;
}

/** A local date (midnight) or date-time, as `YYYY-MM-DDTHH:MM`. */
function readLocalDateTime(ctx: NormalizeContext, path: Path, value: unknown): string | null {
  const text = readString(ctx, path, dateText(value));
  if (text === null) return null;
  const m = DATE_TIME.exec(text.trim());
  if (!m || !validDate(m[1]!) || (m[2] !== undefined && parseLocalTime(m[2]) === null)) {
    ctx.error(
      path,
      `must be a local date or date-time (2024-12-31 or 2024-12-31T09:00) in the layer's zone, not '${text}'`,
    );
    return null;
  }
  return `${m[1]}T${m[2] ?? '00:00'}`;
}

function readWeekday(ctx: NormalizeContext, path: Path, value: unknown): Weekday | null {
  const text = typeof value === 'string' ? value.trim().toLowerCase().slice(0, 3) : '';
  const index = (WEEKDAY_NAMES as readonly string[]).indexOf(text);
  if (index === -1) {
    ctx.error(
      path,
      `must be a day of the week (mon, tue, wed, thu, fri, sat, sun), not ${JSON.stringify(value)}`,
    );
    return null;
  }
  return (index + 1) as Weekday;
}

/** `fri 18:00` → day and time. */
function readDayTime(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
): { day: Weekday; time: string } | null {
  const text = readString(ctx, path, value, { required: true });
  if (text === null) return null;
  const [day, time, extra] = text.trim().split(/\s+/);
  if (day === undefined || time === undefined || extra !== undefined || parseLocalTime(time) === null) {
    ctx.error(path, `must be a day and a time such as "fri 18:00", not '${text}'`);
    return null;
  }
  const d = readWeekday(ctx, path, day);
  return d === null ? null : { day: d, time };
}

function readRestriction(ctx: NormalizeContext, path: Path, value: unknown): Restriction | null {
  const fields = readMap(ctx, path, value, true);
  if (!fields) return null;
  const type = fields.type;
  if (type === 'daily') {
    warnUnknown(ctx, path, fields, ['type', 'days', 'from', 'to'], 'a daily restriction');
    const days: Weekday[] = [];
    readList(ctx, [...path, 'days'], fields.days).forEach((d, i) => {
      const day = readWeekday(ctx, [...path, 'days', i], d);
      if (day !== null && !days.includes(day)) days.push(day);
    });
    const from = readLocalTime(ctx, [...path, 'from'], fields.from, true);
    const to = readLocalTime(ctx, [...path, 'to'], fields.to, true);
    if (from === null || to === null) return null;
    if (from === to) {
      ctx.error([...path, 'to'], 'equals from: a window of the whole day restricts nothing, leave it out');
      return null;
    }
    return { type: 'daily', days: days.sort(), from, to };
  }
  if (type === 'weekly') {
    warnUnknown(ctx, path, fields, ['type', 'from', 'to'], 'a weekly restriction');
    const from = readDayTime(ctx, [...path, 'from'], fields.from);
    const to = readDayTime(ctx, [...path, 'to'], fields.to);
    if (from === null || to === null) return null;
    if (from.day === to.day && from.time === to.time) {
      ctx.error([...path, 'to'], 'equals from: a window of the whole week restricts nothing, leave it out');
      return null;
    }
    return { type: 'weekly', fromDay: from.day, from: from.time, toDay: to.day, to: to.time };
  }
  ctx.error(
    [...path, 'type'],
    `must be daily (from/to every day, or on the days given) or weekly (from "fri 18:00" to "mon 08:00"), not ${JSON.stringify(type)}`,
  );
  return null;
}

function readUsers(ctx: NormalizeContext, path: Path, value: unknown): string[] {
  const users: string[] = [];
  const items = readList(ctx, path, value, true);
  if (items.length > MAX_USERS_PER_LAYER) ctx.error(path, `at most ${MAX_USERS_PER_LAYER} users per layer`);
  items.forEach((item, i) => {
    const text = readString(ctx, [...path, i], item, { required: true, maxLength: 200 });
    if (text === null) return;
    try {
      const r = parseEntityRef(text, { defaultKind: 'user', defaultNamespace: 'default' });
      if (r.kind !== 'user') ctx.error([...path, i], `must name a user, not a ${r.kind}`);
      else if (!USER_NAME.test(r.name)) ctx.error([...path, i], `'${text}' is not a user name`);
      else users.push(normalizeUserName(text));
    } catch (e) {
      ctx.error([...path, i], (e as Error).message);
    }
  });
  if (items.length === 0 && value !== undefined && value !== null)
    ctx.error(path, 'needs at least one user: the rotation, in order');
  return users;
}

const LAYER_FIELDS = [
  'name',
  'users',
  'shiftLength',
  'handoffTime',
  'start',
  'end',
  'timeZone',
  'restrictions',
];

function readLayer(
  ctx: NormalizeContext,
  path: Path,
  value: unknown,
  scheduleZone: string | null,
): Layer | null {
  const fields = readMap(ctx, path, value, true);
  if (!fields) return null;
  warnUnknown(ctx, path, fields, LAYER_FIELDS, 'a schedule layer');
  const before = ctx.errorCount;
  const name = readName(ctx, [...path, 'name'], fields.name);
  const users = readUsers(ctx, [...path, 'users'], fields.users);
  const shiftLength = readShiftLength(ctx, [...path, 'shiftLength'], fields.shiftLength);
  const handoffTime = readLocalTime(ctx, [...path, 'handoffTime'], fields.handoffTime, false) ?? '00:00';
  const start = readDate(ctx, [...path, 'start'], fields.start);
  const end = readLocalDateTime(ctx, [...path, 'end'], fields.end);
  let timeZone = readString(ctx, [...path, 'timeZone'], fields.timeZone);
  if (timeZone !== null && !isTimeZone(timeZone)) {
    ctx.error(
      [...path, 'timeZone'],
      `'${timeZone}' is not a time zone of the IANA database (e.g. Europe/Berlin)`,
    );
    timeZone = null;
  }
  const restrictions: Restriction[] = [];
  const items = readList(ctx, [...path, 'restrictions'], fields.restrictions);
  if (items.length > MAX_RESTRICTIONS)
    ctx.error([...path, 'restrictions'], `at most ${MAX_RESTRICTIONS} restrictions`);
  items.forEach((item, i) => {
    const r = readRestriction(ctx, [...path, 'restrictions', i], item);
    if (r) restrictions.push(r);
  });
  const zone = timeZone ?? scheduleZone;
  if (ctx.errorCount > before || name === null || shiftLength === null || start === null || zone === null)
    return null;
  const layer: Layer = { name, users, shiftLength, handoffTime, start, end, timeZone: zone, restrictions };
  if (end !== null) {
    const rotation = new LayerRotation(layer);
    if (rotation.endMs <= rotation.startMs) {
      ctx.error([...path, 'end'], `must be after the first hand-off (${start}T${handoffTime})`);
      return null;
    }
  }
  return layer;
}

export function readSchedule(ctx: NormalizeContext, value: Fields): ScheduleObject | null {
  warnUnknown(ctx, [], value, ['apiVersion', 'kind', 'metadata', 'spec'], 'a Schedule');
  const meta = readMetadata(ctx, ['metadata'], value.metadata);
  const spec = readMap(ctx, ['spec'], value.spec, true);
  if (!meta || !spec) return null;
  warnUnknown(ctx, ['spec'], spec, ['owner', 'timeZone', 'description', 'layers'], 'a Schedule');
  const owner = readString(ctx, ['spec', 'owner'], spec.owner, { maxLength: 300 });
  if (owner !== null) {
    try {
      const r = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' });
      if (r.kind !== 'group') ctx.error(['spec', 'owner'], `must name a team (group), not a ${r.kind}`);
    } catch (e) {
      ctx.error(['spec', 'owner'], (e as Error).message);
    }
  }
  let timeZone = readString(ctx, ['spec', 'timeZone'], spec.timeZone, { required: true });
  if (timeZone !== null && !isTimeZone(timeZone)) {
    ctx.error(
      ['spec', 'timeZone'],
      `'${timeZone}' is not a time zone of the IANA database (e.g. Europe/Berlin, America/New_York, UTC)`,
    );
    timeZone = null;
  }
  const description = readDescription(ctx, ['spec', 'description'], spec.description);
  const items = readList(ctx, ['spec', 'layers'], spec.layers, true);
  if (items.length > MAX_LAYERS) ctx.error(['spec', 'layers'], `at most ${MAX_LAYERS} layers`);
  if (items.length === 0 && spec.layers !== undefined && spec.layers !== null)
    ctx.error(['spec', 'layers'], 'needs at least one layer');
  const layers: Layer[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const layer = readLayer(ctx, ['spec', 'layers', i], item, timeZone);
    if (!layer) return;
    const first = seen.get(layer.name);
    if (first !== undefined) {
      ctx.error(
        ['spec', 'layers', i, 'name'],
        `'${layer.name}' names layer ${first} already: layer names must differ`,
      );
      return;
    }
    seen.set(layer.name, i);
    layers.push(layer);
  });
  if (ctx.errorCount > 0 || timeZone === null) return null;
  return {
    schedule: { name: meta.name, displayName: meta.displayName, description, owner, timeZone, layers },
    document: value,
  };
}

function ownerReferences(ctx: NormalizeContext, owner: string | null): ObjectReference[] {
  if (owner === null) return [];
  const r = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' });
  return [
    {
      ref: `group:${r.namespace}/${r.name}`,
      path: toPointer(['spec', 'owner']),
      position: ctx.position(['spec', 'owner']),
    },
  ];
}

export const scheduleHandler: KindHandler = {
  apiVersions: [HEADROOM_API_VERSION],
  kind: SCHEDULE_KIND,
  normalize(doc, ctx) {
    if (!isMap(doc.value)) return [];
    const data = readSchedule(ctx, doc.value);
    if (!data || ctx.errorCount > 0) return [];
    const object: DesiredObject<ScheduleObject> = {
      type: SCHEDULE_TYPE,
      ref: scheduleRef(data.schedule.name),
      kind: SCHEDULE_KIND,
      data,
      source: ctx.position([]),
      references: ownerReferences(ctx, data.schedule.owner),
      locate: (path) => ctx.position(path),
    };
    return [object];
  },
};

export const isScheduleObject = (o: DesiredObject): o is DesiredObject<ScheduleObject> =>
  o.type === SCHEDULE_TYPE;

export function registerScheduleKinds(registry: KindRegistry): KindRegistry {
  return registry.register(scheduleHandler);
}
