WITH
"c0_rows" AS (
  SELECT ROW_NUMBER() OVER () AS "row", "u".* FROM (
  SELECT (SELECT unixepoch("v") * 1000000 + CASE WHEN "k" > 0 AND "d" > "k" THEN CAST(substr(substr("f", 1, length("f") - length(ltrim("f", '0123456789'))) || '000000', 1, 6) AS INTEGER) ELSE 0 END FROM (SELECT "v", instr("v", ':') AS "k", instr("v", '.') AS "d", substr("v", instr("v", '.') + 1) AS "f" FROM (SELECT "i"."timestamp" AS "v"))) AS "time", 'process_creation' AS "tag", "i"."ComputerName" AS "g0", "i"."Image" AS "value"
  FROM (SELECT * FROM "events" WHERE "EventID" IN (1, '1')) AS "i"
  ) AS "u"
),
"c0_fired" AS (
  SELECT "r"."time", "r"."g0", (100.0 * SUM(CASE WHEN "w"."value" = "r"."value" THEN 1 ELSE 0 END) / COUNT("w"."value")) AS "value"
  FROM "c0_rows" AS "r"
  JOIN "c0_rows" AS "w" ON "w"."g0" = "r"."g0" AND "w"."time" > "r"."time" - 86400000000 AND "w"."time" <= "r"."time"
  WHERE "r"."time" IS NOT NULL AND "r"."g0" IS NOT NULL AND "r"."value" IS NOT NULL
  GROUP BY "r"."row", "r"."time", "r"."g0", "r"."value"
  HAVING (100.0 * SUM(CASE WHEN "w"."value" = "r"."value" THEN 1 ELSE 0 END) / COUNT("w"."value")) <= 1
)
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ("time" - ("time" % 1000 + 1000) % 1000) / 1000 / 1000.0, 'unixepoch') AS "timestamp", "g0" AS "ComputerName", "value" AS "value_percentile"
FROM "c0_fired"
ORDER BY "time", "g0"
