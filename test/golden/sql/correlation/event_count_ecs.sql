WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST(round(unixepoch("i"."timestamp", 'subsec') * 1000) AS INTEGER) AS "time", 'failed_logon' AS "tag", "i"."dns.question.name" AS "g0", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "EventID" IN (4625, '4625')) AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "time", "g0", "value"
  FROM (
    SELECT "time", "g0", COUNT(*) OVER "w" AS "value"
    FROM "c0_rows"
    WHERE "time" IS NOT NULL AND "g0" IS NOT NULL
    WINDOW "w" AS (PARTITION BY "g0" ORDER BY "time" RANGE BETWEEN 3599999 PRECEDING AND CURRENT ROW)
  ) AS "a"
  WHERE "value" >= 100
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', "time" / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "dns.question.name", "value" AS "event_count"
FROM "c0_fired"
ORDER BY "time", "g0"
