-- Masks credentials and personal data in log records before Fluent Bit ships
-- them to Loki: what is stored (and searchable by everyone with Grafana access)
-- never holds a token, password, API key or email address. Runs as a Fluent
-- Bit `lua` filter (call: mask_record) on every string in the record, after
-- the kubernetes filter, so app logs, JSON logs and metadata are all covered.
--
-- Lua patterns are not regular expressions: no alternation, so each rule is
-- one pattern; `%-` is a literal dash. Tested on sample lines in
-- __tests__/log-masking.test.ts with the real interpreter.

local REDACTED = "[REDACTED]"

-- Field names whose value is a secret, compared lowercased without `_`, `-`
-- and `.` and matched at the END of the name: `db_password`, `x-api-key`,
-- `client_secret` and `access_token` are masked, `password_reset`,
-- `secretary` and `tokens_used` are not.
local SENSITIVE_SUFFIXES = {
  "password", "passwd", "pwd", "secret", "token", "apikey", "privatekey", "secretkey",
  "accesskey", "authorization", "credentials", "cookie",
}

local function is_sensitive(name)
  local key = name:lower():gsub("[_%-%.]", "")
  for _, suffix in ipairs(SENSITIVE_SUFFIXES) do
    if key:sub(-#suffix) == suffix then
      return true
    end
  end
  return false
end

-- The scheme kept, the credential after it masked, when it is long enough to be one.
local function credential(scheme, value)
  if #value >= 8 then
    return scheme .. REDACTED
  end
end

-- Rules on the value's shape, wherever it appears (free text, URLs, headers).
local SHAPES = {
  -- JSON Web Tokens: three base64url parts, the first a JSON header ("eyJ").
  { "eyJ[%w_%-]+%.[%w_%-]+%.[%w_%-]+", "[REDACTED_JWT]" },
  -- HTTP credentials after their scheme (8 characters or more: "bearer of bad news" is prose).
  { "([Bb]earer%s+)([%w%-%._~%+/]+=*)", credential },
  { "([Bb]asic%s+)([%w%+/]+=*)", credential },
  -- DigitalOcean personal access (dop_v1_), OAuth (doo_v1_) and refresh (dor_v1_) tokens.
  { "do[opr]_v1_%x+", "[REDACTED_DO_TOKEN]" },
  -- Slack incoming webhooks (the URL is the credential) and Slack API tokens.
  { "(https://hooks%.slack%.com/services/)[%w/]+", "%1" .. REDACTED },
  { "xox[abposr]%-[%w%-]+", "[REDACTED_SLACK_TOKEN]" },
  -- Email addresses (personal data): local part, @, a domain with a dot and a TLD.
  { "[%w%.%%%+_%-]+@[%w%-]+%.[%w%.%-]*%a", "[REDACTED_EMAIL]" },
}

-- `name="value"`, `"name": "value"`, `name='value'`, then `name=value` /
-- `name: value` up to a separator, when the name is sensitive.
local function mask_fields(text)
  local function quoted(quote)
    return function(name, separator, value)
      if is_sensitive(name) and value ~= "" then
        return name .. separator .. quote .. REDACTED .. quote
      end
    end
  end
  text = text:gsub('([%w_%-%.]+)("?%s*[:=]%s*)"([^"]*)"', quoted('"'))
  text = text:gsub("([%w_%-%.]+)('?%s*[:=]%s*)'([^']*)'", quoted("'"))
  return (text:gsub("([%w_%-%.]+)(%s*[:=]%s*)([^%s\"',;&}%]][^%s\"',;&}%]]*)", function(name, separator, value)
    -- The scheme rules above already masked the credential after "Bearer"/"Basic".
    if is_sensitive(name) and value ~= REDACTED and not value:match("^[Bb]earer$") and not value:match("^[Bb]asic$") then
      return name .. separator .. REDACTED
    end
  end))
end

--- The text with every rule applied.
function mask(text)
  for _, rule in ipairs(SHAPES) do
    text = text:gsub(rule[1], rule[2])
  end
  return mask_fields(text)
end

local function mask_value(value)
  if type(value) == "string" then
    return mask(value)
  elseif type(value) == "table" then
    for key, inner in pairs(value) do
      if type(key) == "string" and is_sensitive(key) and type(inner) == "string" then
        value[key] = REDACTED
      else
        value[key] = mask_value(inner)
      end
    end
  end
  return value
end

--- Fluent Bit filter entry point: returns 2 (record changed, timestamp kept).
function mask_record(tag, timestamp, record)
  return 2, timestamp, mask_value(record)
end
