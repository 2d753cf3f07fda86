WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST(round(unixepoch("i"."timestamp", 'subsec') * 1000) AS INTEGER) AS "time", 'website_access' AS "tag", "i"."SourceIP" AS "g0", "i"."User" AS "g1", CASE WHEN typeof("i"."bytes_sent") IN ('integer', 'real') THEN "i"."bytes_sent" END AS "value"
  FROM (SELECT * FROM "events" WHERE "Method" LIKE 'POST' ESCAPE '\') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "time", "g0", "g1", "value"
  FROM (
    SELECT "time", "g0", "g1", SUM("value") OVER "w" AS "value"
    FROM "c0_rows"
    WHERE "time" IS NOT NULL AND "g0" IS NOT NULL AND "g1" IS NOT NULL
    WINDOW "w" AS (PARTITION BY "g0", "g1" ORDER BY "time" RANGE BETWEEN 3599999 PRECEDING AND CURRENT ROW)
  ) AS "a"
  WHERE "value" > 1000000
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', "time" / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "SourceIP", "g1" AS "User", "value" AS "value_sum"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
