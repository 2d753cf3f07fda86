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
  SELECT "time", "g0", "g1", "value"
  FROM (
    SELECT "time", "g0", "g1", (CASE WHEN COUNT(CASE WHEN "tag" = 'recon_cmd_a' THEN 1 END) OVER "w" > 0 THEN 1 ELSE 0 END + CASE WHEN COUNT(CASE WHEN "tag" = 'recon_cmd_b' THEN 1 END) OVER "w" > 0 THEN 1 ELSE 0 END + CASE WHEN COUNT(CASE WHEN "tag" = 'recon_cmd_c' THEN 1 END) OVER "w" > 0 THEN 1 ELSE 0 END) AS "value"
    FROM "c0_rows"
    WHERE "time" IS NOT NULL AND "g0" IS NOT NULL AND "g1" IS NOT NULL
    WINDOW "w" AS (PARTITION BY "g0", "g1" ORDER BY "time" RANGE BETWEEN 299999999 PRECEDING AND CURRENT ROW)
  ) AS "a"
  WHERE "value" >= 3
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ("time" - ("time" % 1000 + 1000) % 1000) / 1000 / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "ComputerName", "g1" AS "User", "value" AS "temporal"
FROM "c0_fired"
ORDER BY "time", "g0", "g1"
