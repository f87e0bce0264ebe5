-- Reference data (regions, provinces, sub-districts, catalogue) and communities.

CREATE TABLE regions (
    code     text PRIMARY KEY CHECK (code IN ('north', 'northeast', 'central', 'east', 'west', 'south')),
    name_th  text NOT NULL,
    name_en  text NOT NULL,
    position smallint NOT NULL UNIQUE
);

CREATE TABLE provinces (
    code     text PRIMARY KEY CHECK (code ~ '^[1-9][0-9]$'),
    name_th  text NOT NULL,
    name_en  text NOT NULL,
    region   text NOT NULL REFERENCES regions (code),
    lat      double precision NOT NULL CHECK (lat BETWEEN 5.5 AND 20.5),
    lon      double precision NOT NULL CHECK (lon BETWEEN 97.3 AND 105.7)
);
CREATE INDEX provinces_region ON provinces (region);

CREATE TABLE subdistricts (
    code          text PRIMARY KEY CHECK (code ~ '^[1-9][0-9]{5}$'),
    province_code text NOT NULL REFERENCES provinces (code),
    name_th       text NOT NULL,
    name_en       text NOT NULL,
    lat           double precision,
    lon           double precision
);
CREATE INDEX subdistricts_province ON subdistricts (province_code);

CREATE TABLE categories (
    id       text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]*$'),
    name_th  text NOT NULL,
    name_en  text NOT NULL,
    position smallint NOT NULL
);

CREATE TABLE items (
    id                 text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]*$'),
    category_id        text NOT NULL REFERENCES categories (id),
    name_th            text NOT NULL,
    name_en            text NOT NULL,
    unit               text NOT NULL CHECK (unit IN ('kg', 'litre', 'piece', 'pack')),
    kg_per_unit        numeric(12, 4) NOT NULL CHECK (kg_per_unit > 0),
    shelf_life_days    integer NOT NULL CHECK (shelf_life_days > 0),
    reference_value    numeric(14, 2) NOT NULL CHECK (reference_value > 0),
    -- lower-cased Thai and English names, for substring search (Thai has no spaces between words)
    search_text        text GENERATED ALWAYS AS (lower(name_th || ' ' || name_en)) STORED,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    version            integer NOT NULL DEFAULT 1
);
CREATE INDEX items_category ON items (category_id);

CREATE TABLE communities (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name_th          text,
    name_en          text,
    kind             text NOT NULL CHECK (kind IN ('fishing', 'farming', 'urban', 'mixed', 'other')),
    province_code    text NOT NULL REFERENCES provinces (code),
    lat              double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon              double precision NOT NULL CHECK (lon BETWEEN -180 AND 180),
    subdistrict_code text REFERENCES subdistricts (code),
    contact          text,
    search_text      text GENERATED ALWAYS AS (lower(coalesce(name_th, '') || ' ' || coalesce(name_en, ''))) STORED,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    version          integer NOT NULL DEFAULT 1 CHECK (version > 0),
    CONSTRAINT communities_named CHECK (name_th IS NOT NULL OR name_en IS NOT NULL)
);
CREATE INDEX communities_province ON communities (province_code);

-- What reference data has been loaded, so that loading is idempotent and cheap at every start.
CREATE TABLE reference_loads (
    name      text PRIMARY KEY,
    checksum  text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
