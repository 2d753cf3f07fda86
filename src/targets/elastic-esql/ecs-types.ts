import { fieldNameOfText } from './esql-text.js';

/*
 * The Elasticsearch field types of the fields the ecs-windows pipeline writes, so each comparison has
 * the type ES|QL's verifier demands (a keyword compared with a number is a verification error that
 * fails the whole query). Types from the ECS field reference
 * (https://www.elastic.co/guide/en/ecs/current/ecs-field-reference.html: ecs-process.html,
 * ecs-source.html, ecs-destination.html, ecs-event.html, ecs-file.html, ecs-registry.html, ecs-dns.html,
 * ecs-network.html, ecs-os.html (host.os.type is keyword), ecs-user.html, ecs-log.html, ecs-error.html, ecs-hash.html, ecs-pe.html (hash.* and
 * pe.imphash are keyword), ecs-base.html: `message` is
 * match_only_text, a text type for ES|QL) and Winlogbeat's
 * exported fields (https://www.elastic.co/guide/en/beats/winlogbeat/current/exported-fields-winlog.html:
 * `winlog.event_data` and `winlog.user_data` are objects whose values are mapped as keyword;
 * winlog.process.pid and winlog.process.thread.id are long). `wildcard` (process.command_line) is a
 * string type for ES|QL like keyword.
 *
 * A field not listed has an unknown type: the target then writes a form that works for every type
 * (TO_STRING, TO_DOUBLE, TO_IP; see the README).
 */

/** What the target needs to know of a field's type. */
export type FieldKind = 'string' | 'number' | 'ip' | 'date' | 'unknown';

const STRING_FIELDS = [
  'destination.domain',
  'dns.question.name',
  'error.code',
  'event.category',
  'event.code',
  'event.type',
  'file.hash.md5',
  'file.hash.sha1',
  'file.hash.sha256',
  'file.name',
  'file.path',
  'file.pe.imphash',
  'file.pe.original_file_name',
  'host.os.type',
  'log.level',
  'message',
  'network.direction',
  'network.protocol',
  'network.transport',
  'network.type',
  'process.command_line',
  'process.entity_id',
  'process.executable',
  'process.hash.md5',
  'process.hash.sha1',
  'process.hash.sha256',
  'process.name',
  'process.parent.command_line',
  'process.parent.entity_id',
  'process.parent.executable',
  'process.parent.name',
  'process.pe.imphash',
  'process.pe.original_file_name',
  'process.working_directory',
  'registry.path',
  'source.domain',
  'sysmon.dns.status',
  'user.domain',
  'user.name',
  'winlog.channel',
  'winlog.computer_name',
  'winlog.provider_name',
];

const NUMBER_FIELDS = [
  'destination.port',
  'process.parent.pid',
  'process.pid',
  'process.thread.id',
  'source.port',
  'winlog.process.pid',
  'winlog.process.thread.id',
];

const IP_FIELDS = ['destination.ip', 'source.ip'];

const DATE_FIELDS = ['@timestamp', 'event.created', 'event.ingested'];

const KINDS: ReadonlyMap<string, FieldKind> = new Map<string, FieldKind>([
  ...STRING_FIELDS.map((f): [string, FieldKind] => [f, 'string']),
  ...NUMBER_FIELDS.map((f): [string, FieldKind] => [f, 'number']),
  ...IP_FIELDS.map((f): [string, FieldKind] => [f, 'ip']),
  ...DATE_FIELDS.map((f): [string, FieldKind] => [f, 'date']),
]);

/** Objects whose every value Winlogbeat maps as keyword. */
const KEYWORD_OBJECTS = ['winlog.event_data.', 'winlog.user_data.'];

export function fieldKind(field: string): FieldKind {
  const known = KINDS.get(field);
  if (known !== undefined) return known;
  return KEYWORD_OBJECTS.some((prefix) => field.startsWith(prefix) && field.length > prefix.length) ? 'string' : 'unknown';
}

/** The kind of the field a written field text names. */
export function kindOfText(fieldText: string): FieldKind {
  return fieldKind(fieldNameOfText(fieldText));
}

/** The field as a string expression: itself when it is a string type, else TO_STRING(f), which takes every type. */
export function asString(fieldText: string, kind: FieldKind = kindOfText(fieldText)): string {
  return kind === 'string' ? fieldText : `TO_STRING(${fieldText})`;
}
