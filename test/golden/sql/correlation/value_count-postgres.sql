WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST("i"."timestamp" AS timestamptz) AS "time", 'failed_logon' AS "tag", "i"."ComputerName" AS "g0", "i"."WorkstationName" AS "g1", "i"."User" AS "value"
  FROM (SELECT * FROM "events" WHERE "EventID" = '4625') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", "r"."g1", COUNT(DISTINCT "w"."value") AS "value"
  FROM "c0_rows" AS "r"
  JOIN "c0_rows" AS "w" ON "w"."g0" = "r"."g0" AND "w"."g1" = "r"."g1" AND "w"."time" > "r"."time" - INTERVAL '86400 seconds' AND "w"."time" <= "r"."time"
  WHERE "r"."time" IS NOT NULL AND "r"."g0" IS NOT NULL AND "r"."g1" IS NOT NULL
  GROUP BY "r"."row", "r"."time", "r"."g0", "r"."g1"
  HAVING COUNT(DISTINCT "w"."value") >= 100
)
SELECT "time" AS "timestamp", "g0" AS "ComputerName", "g1" AS "WorkstationName", "value" AS "value_count"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
