-- 0001_initial_schema: the users, trades and exchange_configs tables of the
-- operator's guide ("Database Architecture → PostgreSQL").
--
-- Idempotent: every statement is CREATE ... IF NOT EXISTS, CREATE OR REPLACE or
-- a GRANT, so applying the file twice changes nothing.
--
-- Run by migrations/migrate.sh as the cluster's admin role, which owns the
-- objects. The psql variable app_user names the application's login role; it
-- gets data access only (no DDL, no ownership).
--
-- Exchange credentials are stored as pgcrypto ciphertext. The key never
-- appears here: the application passes it to exchange_secret_encrypt/decrypt
-- as a bind parameter on every call.

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

-- Keeps updated_at current on every UPDATE, whatever the client sends.
CREATE OR REPLACE FUNCTION public.set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;

-- True when value is an OpenPGP message encrypted with a passphrase
-- (what exchange_secret_encrypt produces); false for anything else, plaintext included.
CREATE OR REPLACE FUNCTION public.is_pgp_symmetric_message(value bytea) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, public AS $$
BEGIN
  RETURN public.pgp_key_id(value) = 'SYMKEY';
EXCEPTION WHEN OTHERS THEN
  RETURN false;
END
$$;

-- AES-256 under a passphrase supplied at run time; a short key is refused.
CREATE OR REPLACE FUNCTION public.exchange_secret_encrypt(plaintext text, key text) RETURNS bytea
LANGUAGE plpgsql STRICT
SET search_path = pg_catalog, public AS $$
BEGIN
  IF length(key) < 32 THEN
    RAISE EXCEPTION 'exchange secret key must be at least 32 characters' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN public.pgp_sym_encrypt(plaintext, key, 'cipher-algo=aes256, s2k-mode=3');
END
$$;

-- Fails ("Wrong key or corrupt data") unless key is the one that encrypted ciphertext.
CREATE OR REPLACE FUNCTION public.exchange_secret_decrypt(ciphertext bytea, key text) RETURNS text
LANGUAGE sql STRICT
SET search_path = pg_catalog, public AS $$
  SELECT public.pgp_sym_decrypt(ciphertext, key)
$$;

CREATE TABLE IF NOT EXISTS public.users (
  id            uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
  email         varchar(255) NOT NULL,
  password_hash varchar(255) NOT NULL,
  first_name    varchar(100) NOT NULL,
  last_name     varchar(100) NOT NULL,
  created_at    timestamptz  NOT NULL DEFAULT now(),
  updated_at    timestamptz  NOT NULL DEFAULT now(),
  CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE IF NOT EXISTS public.trades (
  id         uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Trading records are kept: a user with trades cannot be deleted.
  user_id    uuid          NOT NULL CONSTRAINT trades_user_id_fkey REFERENCES public.users (id) ON DELETE RESTRICT,
  exchange   varchar(50)   NOT NULL,
  symbol     varchar(20)   NOT NULL,
  side       varchar(10)   NOT NULL CONSTRAINT trades_side_check CHECK (side IN ('buy', 'sell')),
  amount     numeric(20,8) NOT NULL CONSTRAINT trades_amount_check CHECK (amount > 0),
  -- NULL for market orders.
  price      numeric(20,8) CONSTRAINT trades_price_check CHECK (price > 0),
  status     varchar(20)   NOT NULL DEFAULT 'pending',
  created_at timestamptz   NOT NULL DEFAULT now(),
  updated_at timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS public.exchange_configs (
  id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- A user's exchange credentials go with the user.
  user_id              uuid        NOT NULL CONSTRAINT exchange_configs_user_id_fkey REFERENCES public.users (id) ON DELETE CASCADE,
  exchange             varchar(50) NOT NULL,
  api_key_encrypted    bytea       NOT NULL
    CONSTRAINT exchange_configs_api_key_encrypted_check CHECK (public.is_pgp_symmetric_message(api_key_encrypted)),
  secret_key_encrypted bytea       NOT NULL
    CONSTRAINT exchange_configs_secret_key_encrypted_check CHECK (public.is_pgp_symmetric_message(secret_key_encrypted)),
  is_active            boolean     NOT NULL DEFAULT true,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- A user's trade history, newest first; also serves the user_id foreign key.
CREATE INDEX IF NOT EXISTS trades_user_id_created_at_idx ON public.trades (user_id, created_at DESC);
-- Open and pending orders.
CREATE INDEX IF NOT EXISTS trades_status_idx ON public.trades (status);
CREATE INDEX IF NOT EXISTS exchange_configs_user_id_idx ON public.exchange_configs (user_id);

CREATE OR REPLACE TRIGGER users_set_updated_at BEFORE UPDATE ON public.users
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE OR REPLACE TRIGGER trades_set_updated_at BEFORE UPDATE ON public.trades
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();
CREATE OR REPLACE TRIGGER exchange_configs_set_updated_at BEFORE UPDATE ON public.exchange_configs
  FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

GRANT USAGE ON SCHEMA public TO :"app_user";
GRANT SELECT, INSERT, UPDATE, DELETE ON public.users, public.trades, public.exchange_configs TO :"app_user";
