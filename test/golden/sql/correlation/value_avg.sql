WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST(round(unixepoch("i"."timestamp", 'subsec') * 1000) AS INTEGER) AS "time", 'rule_a_id' AS "tag", "i"."SourceIP" AS "g0", "i"."User" AS "g1", CASE WHEN typeof("i"."BytesOut") IN ('integer', 'real') THEN "i"."BytesOut" END AS "value"
  FROM (SELECT * FROM "events" WHERE "Direction" LIKE 'out' ESCAPE '\') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", "r"."g1", AVG("w"."value") AS "value"
  FROM "c0_rows" AS "r"
  JOIN "c0_rows" AS "w" ON "w"."g0" = "r"."g0" AND "w"."g1" = "r"."g1" AND "w"."time" > "r"."time" - 86400000 AND "w"."time" <= "r"."time"
  WHERE "r"."time" IS NOT NULL AND "r"."g0" IS NOT NULL AND "r"."g1" IS NOT NULL
  GROUP BY "r"."row", "r"."time", "r"."g0", "r"."g1"
  HAVING AVG("w"."value") > 500
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', "time" / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "SourceIP", "g1" AS "User", "value" AS "value_avg"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
