WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST("i"."timestamp" AS timestamptz) AS "time", 'rule_a_id' AS "tag", "i"."SourceIP" AS "g0", "i"."User" AS "g1", CASE WHEN CAST("i"."BytesOut" AS text) ~ '^[[:space:]]*[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$' THEN CAST(CAST("i"."BytesOut" AS text) AS double precision) END AS "value"
  FROM (SELECT * FROM "events" WHERE "Direction" ILIKE 'out' ESCAPE '\') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", "r"."g1", AVG("w"."value") AS "value"
  FROM "c0_rows" AS "r"
  JOIN "c0_rows" AS "w" ON "w"."g0" = "r"."g0" AND "w"."g1" = "r"."g1" AND "w"."time" > "r"."time" - INTERVAL '86400 seconds' AND "w"."time" <= "r"."time"
  WHERE "r"."time" IS NOT NULL AND "r"."g0" IS NOT NULL AND "r"."g1" IS NOT NULL
  GROUP BY "r"."row", "r"."time", "r"."g0", "r"."g1"
  HAVING AVG("w"."value") > 500
)
SELECT "time" AS "timestamp", "g0" AS "SourceIP", "g1" AS "User", "value" AS "value_avg"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
