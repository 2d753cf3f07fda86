WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT (SELECT unixepoch("v") * 1000000 + CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(substr("f", 1, length("f") - length(ltrim("f", '0123456789'))) || '000000', 1, 6) AS INTEGER) ELSE 0 END FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT "i"."timestamp" AS "v"))) AS "time", 'website_access' AS "tag", "i"."SourceIP" AS "g0", "i"."User" AS "g1", CASE WHEN typeof("i"."bytes_sent") IN ('integer', 'real') THEN "i"."bytes_sent" WHEN typeof("i"."bytes_sent") = 'text' THEN (SELECT CASE WHEN "u" NOT GLOB '*[^0-9.eE+-]*' AND "m" GLOB '*[0-9]*' AND "m" NOT GLOB '*[^0-9.]*' AND "m" NOT GLOB '*.*.*' AND "e" <> '' AND "e" NOT GLOB '*[^0-9]*' THEN CAST("s" AS NUMERIC) END FROM (SELECT "s", "u", CASE WHEN "p" = 0 THEN "u" ELSE substr("u", 1, "p" - 1) END AS "m", CASE WHEN "p" = 0 THEN '0' ELSE CASE WHEN substr("u", "p" + 1) GLOB '[+-]*' THEN substr(substr("u", "p" + 1), 2) ELSE substr("u", "p" + 1) END END AS "e" FROM (SELECT "s", "u", max(instr("u", 'e'), instr("u", 'E')) AS "p" FROM (SELECT "s", CASE WHEN "s" GLOB '[+-]*' THEN substr("s", 2) ELSE "s" END AS "u" FROM (SELECT trim("i"."bytes_sent", ' ' || char(9, 10, 11, 12, 13)) AS "s"))))) END AS "value"
  FROM (SELECT * FROM "events" WHERE "Method" LIKE 'POST' ESCAPE '\') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "time", "g0", "g1", "value"
  FROM (
    SELECT "time", "g0", "g1", SUM("value") OVER "w" AS "value"
    FROM "c0_rows"
    WHERE "time" IS NOT NULL AND "g0" IS NOT NULL AND "g1" IS NOT NULL
    WINDOW "w" AS (PARTITION BY "g0", "g1" ORDER BY "time" RANGE BETWEEN 3599999999 PRECEDING AND CURRENT ROW)
  ) AS "a"
  WHERE "value" > 1000000
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ("time" - ("time" % 1000 + 1000) % 1000) / 1000 / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "SourceIP", "g1" AS "User", "value" AS "value_sum"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
