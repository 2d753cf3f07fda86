WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST("i"."timestamp" AS timestamptz) AS "time", 'process_creation' AS "tag", "i"."ComputerName" AS "g0", "i"."Image" AS "value"
  FROM (SELECT * FROM "events" WHERE "EventID" = '1') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", (100.0 * SUM(CASE WHEN "w"."value" = "r"."value" THEN 1 ELSE 0 END) / NULLIF(COUNT("w"."value"), 0)) AS "value"
  FROM "c0_rows" AS "r"
  JOIN "c0_rows" AS "w" ON "w"."g0" = "r"."g0" AND "w"."time" > "r"."time" - INTERVAL '86400 seconds' AND "w"."time" <= "r"."time"
  WHERE "r"."time" IS NOT NULL AND "r"."g0" IS NOT NULL AND "r"."value" IS NOT NULL
  GROUP BY "r"."row", "r"."time", "r"."g0", "r"."value"
  HAVING (100.0 * SUM(CASE WHEN "w"."value" = "r"."value" THEN 1 ELSE 0 END) / NULLIF(COUNT("w"."value"), 0)) <= 1
)
SELECT "time" AS "timestamp", "g0" AS "ComputerName", "value" AS "value_percentile"
FROM "c0_fired"
ORDER BY "time", "g0"
