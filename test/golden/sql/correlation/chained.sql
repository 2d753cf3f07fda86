WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT (SELECT unixepoch("v") * 1000000 + CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(substr("f", 1, length("f") - length(ltrim("f", '0123456789'))) || '000000', 1, 6) AS INTEGER) ELSE 0 END FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT "i"."timestamp" AS "v"))) AS "time", 'failed_login' AS "tag", "i"."User" AS "g0", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "EventID" IN (529, '529', 4625, '4625')) AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "time", "g0", "value"
  FROM (
    SELECT "time", "g0", COUNT(*) OVER "w" AS "value"
    FROM "c0_rows"
    WHERE "time" IS NOT NULL AND "g0" IS NOT NULL
    WINDOW "w" AS (PARTITION BY "g0" ORDER BY "time" RANGE BETWEEN 599999999 PRECEDING AND CURRENT ROW)
  ) AS "a"
  WHERE "value" >= 10
),
"c1_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT "time", 'multiple_failed_login' AS "tag", "g0" AS "g0", NULL AS "value"
  FROM "c0_fired"
  UNION ALL
  SELECT (SELECT unixepoch("v") * 1000000 + CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(substr("f", 1, length("f") - length(ltrim("f", '0123456789'))) || '000000', 1, 6) AS INTEGER) ELSE 0 END FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT "i"."timestamp" AS "v"))) AS "time", 'successful_login' AS "tag", "i"."User" AS "g0", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "EventID" IN (528, '528', 4624, '4624')) AS "i"
  ) AS "u"
),
"c1_fired" AS (
  SELECT "r"."time", "r"."g0", NULL AS "value"
  FROM "c1_rows" AS "r"
  WHERE "r"."time" IS NOT NULL
    AND "r"."g0" IS NOT NULL
    AND "r"."tag" = 'successful_login'
    AND EXISTS (SELECT 1 FROM "c1_rows" AS "w0" WHERE "w0"."tag" = 'multiple_failed_login' AND "w0"."g0" = "r"."g0" AND "w0"."time" > "r"."time" - 600000000 AND "w0"."time" IS NOT NULL AND "w0"."time" <= "r"."time")
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ("time" - ("time" % 1000 + 1000) % 1000) / 1000 / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "User", "value" AS "temporal_ordered"
FROM "c1_fired"
ORDER BY "time", "g0"
