-- Count the entries of a stream after an entry id, without sending them over the wire.
--
-- KEYS[1] stream   ARGV[1] exclusive start ('(' .. id, or '-' for all)   ARGV[2] the most to count
-- Returns {count, id of the first entry counted or ''}. Counting stops at ARGV[2]: the caller
-- reports "at least" that many.
local counted, start, cap, first = 0, ARGV[1], tonumber(ARGV[2]), ''
while counted < cap do
  local rows = redis.call('XRANGE', KEYS[1], start, '+', 'COUNT', math.min(1000, cap - counted))
  if #rows == 0 then
    break
  end
  if first == '' then
    first = rows[1][1]
  end
  counted = counted + #rows
  start = '(' .. rows[#rows][1]
end
return {counted, first}
