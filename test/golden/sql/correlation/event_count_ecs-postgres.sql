WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST("i"."timestamp" AS timestamptz) AS "time", 'failed_logon' AS "tag", "i"."dns.question.name" AS "g0", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "EventID" = '4625') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", COUNT(*) AS "value"
  FROM "c0_rows" AS "r"
  JOIN "c0_rows" AS "w" ON "w"."g0" = "r"."g0" AND "w"."time" > "r"."time" - INTERVAL '3600 seconds' AND "w"."time" <= "r"."time"
  WHERE "r"."time" IS NOT NULL AND "r"."g0" IS NOT NULL
  GROUP BY "r"."row", "r"."time", "r"."g0"
  HAVING COUNT(*) >= 100
)
SELECT "time" AS "timestamp", "g0" AS "dns.question.name", "value" AS "event_count"
FROM "c0_fired"
ORDER BY "time", "g0"
