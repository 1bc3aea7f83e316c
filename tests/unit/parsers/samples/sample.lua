local json = require("json")

local M = {}

--- Sums a list.
function M.sum(list)
  local total = 0
  for _, v in ipairs(list) do
    total = total + v
  end
  return total
end

local function map(list, f)
  local out = {}
  for i, v in ipairs(list) do out[i] = f(v) end
  return out
end

M.double = function(list)
  return map(list, function(x) return x * 2 end)
end

if #arg > 0 then
  print(json.encode(M.double({ 1, 2, 3 })))
end

return M
