WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT (SELECT unixepoch("v") * 1000000 + CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(substr("f", 1, length("f") - length(ltrim("f", '0123456789'))) || '000000', 1, 6) AS INTEGER) ELSE 0 END FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT "i"."timestamp" AS "v"))) AS "time", 'failed_logon' AS "tag", "i"."dns.question.name" AS "g0", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "EventID" IN (4625, '4625')) AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "time", "g0", "value"
  FROM (
    SELECT "time", "g0", COUNT(*) OVER "w" AS "value"
    FROM "c0_rows"
    WHERE "time" IS NOT NULL AND "g0" IS NOT NULL
    WINDOW "w" AS (PARTITION BY "g0" ORDER BY "time" RANGE BETWEEN 3599999999 PRECEDING AND CURRENT ROW)
  ) AS "a"
  WHERE "value" >= 100
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ("time" - ("time" % 1000 + 1000) % 1000) / 1000 / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "dns.question.name", "value" AS "event_count"
FROM "c0_fired"
ORDER BY "time", "g0"
