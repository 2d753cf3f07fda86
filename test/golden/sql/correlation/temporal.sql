WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT CAST(round(unixepoch("i"."timestamp", 'subsec') * 1000) AS INTEGER) AS "time", 'recon_cmd_a' AS "tag", "i"."ComputerName" AS "g0", "i"."User" AS "g1", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "CommandLine" LIKE '%whoami%' ESCAPE '\') AS "i"
  UNION ALL
  SELECT CAST(round(unixepoch("i"."timestamp", 'subsec') * 1000) AS INTEGER) AS "time", 'recon_cmd_b' AS "tag", "i"."ComputerName" AS "g0", "i"."User" AS "g1", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "CommandLine" LIKE '%ipconfig%' ESCAPE '\') AS "i"
  UNION ALL
  SELECT CAST(round(unixepoch("i"."timestamp", 'subsec') * 1000) AS INTEGER) AS "time", 'recon_cmd_c' AS "tag", "i"."ComputerName" AS "g0", "i"."User" AS "g1", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "CommandLine" LIKE '%net user%' ESCAPE '\') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", "r"."g1", COUNT(DISTINCT "w"."tag") AS "value"
  FROM "c0_rows" AS "r"
  JOIN "c0_rows" AS "w" ON "w"."g0" = "r"."g0" AND "w"."g1" = "r"."g1" AND "w"."time" > "r"."time" - 300000 AND "w"."time" <= "r"."time"
  WHERE "r"."time" IS NOT NULL AND "r"."g0" IS NOT NULL AND "r"."g1" IS NOT NULL
  GROUP BY "r"."row", "r"."time", "r"."g0", "r"."g1"
  HAVING COUNT(DISTINCT "w"."tag") >= 3
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', "time" / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "ComputerName", "g1" AS "User", "value" AS "temporal"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
