WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST("i"."timestamp" AS timestamptz) AS "time", 'rule_a_id' AS "tag", "i"."SourceIP" AS "g0", "i"."User" AS "g1", CASE WHEN CAST("i"."BytesOut" AS text) ~ '^[[:space:]]*[-+]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$' THEN CAST(CAST("i"."BytesOut" AS text) AS double precision) END AS "value"
  FROM (SELECT * FROM "events" WHERE "Direction" ILIKE 'out' ESCAPE '\') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "time", "g0", "g1", "value"
  FROM (
    SELECT "time", "g0", "g1", AVG("value") OVER "w" AS "value"
    FROM "c0_rows"
    WHERE "time" IS NOT NULL AND "g0" IS NOT NULL AND "g1" IS NOT NULL
    WINDOW "w" AS (PARTITION BY "g0", "g1" ORDER BY "time" RANGE BETWEEN INTERVAL '86399999999 microseconds' PRECEDING AND CURRENT ROW)
  ) AS "a"
  WHERE "value" > 500
)
SELECT "time" AS "timestamp", "g0" AS "SourceIP", "g1" AS "User", "value" AS "value_avg"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
