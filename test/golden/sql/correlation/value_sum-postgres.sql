WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST("i"."timestamp" AS timestamptz) AS "time", 'website_access' AS "tag", "i"."SourceIP" AS "g0", "i"."User" AS "g1", CASE WHEN CAST("i"."bytes_sent" AS text) ~ '^[[:space:]]*[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$' THEN CAST(CAST("i"."bytes_sent" AS text) AS double precision) END AS "value"
  FROM (SELECT * FROM "events" WHERE "Method" ILIKE 'POST' ESCAPE '\') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", "r"."g1", SUM("w"."value") AS "value"
  FROM "c0_rows" AS "r"
  JOIN "c0_rows" AS "w" ON "w"."g0" = "r"."g0" AND "w"."g1" = "r"."g1" AND "w"."time" > "r"."time" - INTERVAL '3600 seconds' AND "w"."time" <= "r"."time"
  WHERE "r"."time" IS NOT NULL AND "r"."g0" IS NOT NULL AND "r"."g1" IS NOT NULL
  GROUP BY "r"."row", "r"."time", "r"."g0", "r"."g1"
  HAVING SUM("w"."value") > 1000000
)
SELECT "time" AS "timestamp", "g0" AS "SourceIP", "g1" AS "User", "value" AS "value_sum"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
