WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT (SELECT unixepoch("v") * 1000000 + CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(substr("f", 1, length("f") - length(ltrim("f", '0123456789'))) || '000000', 1, 6) AS INTEGER) ELSE 0 END FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT "i"."timestamp" AS "v"))) AS "time", 'recon_cmd_a' AS "tag", "i"."ComputerName" AS "g0", "i"."User" AS "g1", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "CommandLine" LIKE '%whoami%' ESCAPE '\') AS "i"
  UNION ALL
  SELECT (SELECT unixepoch("v") * 1000000 + CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(substr("f", 1, length("f") - length(ltrim("f", '0123456789'))) || '000000', 1, 6) AS INTEGER) ELSE 0 END FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT "i"."timestamp" AS "v"))) AS "time", 'recon_cmd_b' AS "tag", "i"."ComputerName" AS "g0", "i"."User" AS "g1", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "CommandLine" LIKE '%ipconfig%' ESCAPE '\') AS "i"
  UNION ALL
  SELECT (SELECT unixepoch("v") * 1000000 + CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(substr("f", 1, length("f") - length(ltrim("f", '0123456789'))) || '000000', 1, 6) AS INTEGER) ELSE 0 END FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT "i"."timestamp" AS "v"))) AS "time", 'recon_cmd_c' AS "tag", "i"."ComputerName" AS "g0", "i"."User" AS "g1", NULL AS "value"
  FROM (SELECT * FROM "events" WHERE "CommandLine" LIKE '%net user%' ESCAPE '\') AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", "r"."g1", NULL AS "value"
  FROM "c0_rows" AS "r"
  WHERE "r"."time" IS NOT NULL
    AND "r"."g0" IS NOT NULL
    AND "r"."g1" IS NOT NULL
    AND "r"."tag" = 'recon_cmd_c'
    AND EXISTS (SELECT 1 FROM "c0_rows" AS "w0", "c0_rows" AS "w1" WHERE "w0"."tag" = 'recon_cmd_a' AND "w0"."g0" = "r"."g0" AND "w0"."g1" = "r"."g1" AND "w0"."time" > "r"."time" - 300000000 AND "w0"."time" IS NOT NULL AND "w1"."tag" = 'recon_cmd_b' AND "w1"."g0" = "r"."g0" AND "w1"."g1" = "r"."g1" AND "w1"."time" > "r"."time" - 300000000 AND "w0"."time" <= "w1"."time" AND "w1"."time" <= "r"."time")
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ("time" - ("time" % 1000 + 1000) % 1000) / 1000 / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "ComputerName", "g1" AS "User", "value" AS "temporal_ordered"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
