-- Shared by the scripts that move entries into and out of a dead-letter stream (prepended to
-- deadletter.lua, retry.lua, discard.lua and commit.lua when they are loaded).
--
-- A dead letter keeps its original entry exactly: every field of the input entry as
-- 'entry:<name>' (besides 'event', shown by `dlq show`). Re-driving appends exactly those fields
-- again; a letter written before they were kept has only its 'event'.

-- The 'entry:'-prefixed copy of an input entry's fields (none if the entry is gone).
local function entry_copy(stream, id)
  local out = {}
  local rows = redis.call('XRANGE', stream, id, id)
  if rows[1] then
    local f = rows[1][2]
    for i = 1, #f, 2 do
      out[#out + 1] = 'entry:' .. f[i]
      out[#out + 1] = f[i + 1]
    end
  end
  return out
end

-- The value of one field of a dead letter ('' if absent).
local function letter_field(f, name)
  for i = 1, #f, 2 do
    if f[i] == name then return f[i + 1] end
  end
  return ''
end

-- The original entry's fields of a dead letter, exactly as they were in the input stream.
local function original_fields(f)
  local out = {}
  for i = 1, #f, 2 do
    if string.sub(f[i], 1, 6) == 'entry:' then
      out[#out + 1] = string.sub(f[i], 7)
      out[#out + 1] = f[i + 1]
    end
  end
  if #out == 0 then out = {'event', letter_field(f, 'event')} end
  return out
end

-- Append every letter parked behind `subject` to the input stream, oldest first, and remove it.
local function redrive_parked(input, dlq, subject)
  local moved = 0
  for _, row in ipairs(redis.call('XRANGE', dlq, '-', '+')) do
    if letter_field(row[2], 'subject') == subject and letter_field(row[2], 'status') == 'parked' then
      redis.call('XADD', input, '*', unpack(original_fields(row[2])))
      redis.call('XDEL', dlq, row[1])
      moved = moved + 1
    end
  end
  return moved
end
