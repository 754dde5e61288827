//! Both backends' migrations give the same schema: the same tables, the
//! same columns with the same kind of value and nullability, and the same
//! indexes over the same columns — read from each database's catalog, so a
//! migration written for one backend and forgotten for the other fails
//! here rather than in production.

use std::collections::BTreeMap;

use dateline_store::Store;
use sqlx::{Connection as _, Executor as _};

/// A column as both catalogs can describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    /// `int`, `text`, `real` or `blob`: what the value is, whatever the
    /// dialect calls it (PostgreSQL's booleans and times are SQLite's
    /// integers and texts).
    kind: &'static str,
    nullable: bool,
}

/// table → column → description; index name → (table, columns, unique);
/// and the constraints, each as `table: KIND(columns) → target`.
#[derive(Debug, Default)]
struct Schema {
    tables: BTreeMap<String, BTreeMap<String, Column>>,
    indexes: BTreeMap<String, (String, Vec<String>, bool)>,
    constraints: std::collections::BTreeSet<String>,
}

/// A PostgreSQL constraint: table, kind (`p`, `u`, `f`), columns, and the
/// target table and columns of a foreign key.
type ConstraintRow = (String, String, Vec<String>, Option<String>, Vec<String>);

fn sqlite_kind(declared: &str) -> &'static str {
    let declared = declared.to_uppercase();
    if declared.contains("INT") {
        "int"
    } else if declared.contains("REAL") || declared.contains("DOUBLE") || declared.contains("FLOAT") {
        "real"
    } else if declared.contains("BLOB") {
        "blob"
    } else {
        "text"
    }
}

fn postgres_kind(data_type: &str) -> &'static str {
    match data_type {
        "bigint" | "integer" | "smallint" | "boolean" => "int",
        "double precision" | "real" | "numeric" => "real",
        "bytea" => "blob",
        _ => "text",
    }
}

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("schema.db");
    let store = dateline_store_sqlite::SqliteStore::connect(path.to_str().expect("utf-8 path"))
        .await
        .expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    let mut db =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.expect("connect");
    let mut schema = Schema::default();
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut db)
    .await
    .expect("tables");
    for (table,) in tables {
        let columns: Vec<(String, String, i64, i64)> =
            sqlx::query_as(&format!("SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"))
                .fetch_all(&mut db)
                .await
                .expect("columns");
        let described = columns
            .into_iter()
            .map(|(name, declared, not_null, pk)| {
                // A one-column INTEGER PRIMARY KEY is the rowid: never null.
                (name, Column { kind: sqlite_kind(&declared), nullable: not_null == 0 && pk == 0 })
            })
            .collect();
        schema.tables.insert(table.clone(), described);
        // The primary key, UNIQUE constraints and foreign keys.
        let mut key: Vec<(i64, String)> = sqlx::query_as(&format!(
            "SELECT pk, name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk"
        ))
        .fetch_all(&mut db)
        .await
        .expect("primary key");
        key.sort();
        if !key.is_empty() {
            let columns: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
            schema.constraints.insert(format!("{table}: PRIMARY KEY({})", columns.join(", ")));
        }
        let uniques: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT name FROM pragma_index_list('{table}') WHERE origin = 'u' ORDER BY name"
        ))
        .fetch_all(&mut db)
        .await
        .expect("unique constraints");
        for (index,) in uniques {
            let columns: Vec<(String,)> =
                sqlx::query_as(&format!("SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"))
                    .fetch_all(&mut db)
                    .await
                    .expect("unique columns");
            let columns: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
            schema.constraints.insert(format!("{table}: UNIQUE({})", columns.join(", ")));
        }
        let foreign: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(&format!(
            "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{table}') ORDER BY id, seq"
        ))
        .fetch_all(&mut db)
        .await
        .expect("foreign keys");
        let mut by_key: BTreeMap<i64, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
        for (id, target, from, to) in foreign {
            let entry = by_key.entry(id).or_insert_with(|| (target, Vec::new(), Vec::new()));
            entry.1.push(from);
            entry.2.push(to.unwrap_or_else(|| "id".to_owned()));
        }
        for (target, from, to) in by_key.into_values() {
            schema.constraints.insert(format!(
                "{table}: FOREIGN KEY({}) → {target}({})",
                from.join(", "),
                to.join(", ")
            ));
        }
    }
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
    )
    .fetch_all(&mut db)
    .await
    .expect("indexes");
    for (index, table) in indexes {
        let columns: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"))
                .fetch_all(&mut db)
                .await
                .expect("index columns");
        let sql: (String,) = sqlx::query_as("SELECT sql FROM sqlite_master WHERE name = $1")
            .bind(&index)
            .fetch_one(&mut db)
            .await
            .expect("index sql");
        let unique = sql.0.to_uppercase().starts_with("CREATE UNIQUE");
        schema.indexes.insert(index, (table, columns.into_iter().map(|(c,)| c).collect(), unique));
    }
    schema
}

pub fn postgres_admin_url() -> String {
    std::env::var("DATELINE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

async fn postgres_schema() -> Schema {
    let admin_url = postgres_admin_url();
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!("PostgreSQL is not reachable at {admin_url}: {e}. Run ./scripts/test, or set DATELINE_TEST_POSTGRES_URL")
    });
    let name = format!("dateline_schema_{}", std::process::id());
    admin.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await.expect("drop");
    admin.execute(format!("CREATE DATABASE \"{name}\"").as_str()).await.expect("create database");
    let url = format!("{}/{name}", admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base));
    let store = dateline_store_postgres::PostgresStore::connect(&url).await.expect("connect PostgreSQL");
    store.migrate().await.expect("migrate PostgreSQL");
    drop(store);
    let mut db = sqlx::PgConnection::connect(&url).await.expect("connect");
    let mut schema = Schema::default();
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' \
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&mut db)
    .await
    .expect("columns");
    for (table, column, data_type, nullable) in columns {
        schema
            .tables
            .entry(table)
            .or_default()
            .insert(column, Column { kind: postgres_kind(&data_type), nullable: nullable == "YES" });
    }
    // Indexes a migration created by name: not the ones behind primary keys
    // and UNIQUE constraints, which SQLite names automatically.
    let indexes: Vec<(String, String, bool, Vec<String>)> = sqlx::query_as(
        "SELECT i.relname::text, t.relname::text, x.indisunique, \
         ARRAY(SELECT a.attname::text FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) \
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n) \
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace s ON s.oid = t.relnamespace \
         WHERE s.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .fetch_all(&mut db)
    .await
    .expect("indexes");
    for (index, table, unique, columns) in indexes {
        schema.indexes.insert(index, (table, columns, unique));
    }
    let constraints: Vec<ConstraintRow> = sqlx::query_as(
        "SELECT t.relname::text, c.contype::text, \
         ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n) \
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n), \
         f.relname::text, \
         ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n) \
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n) \
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace s ON s.oid = t.relnamespace \
         LEFT JOIN pg_class f ON f.oid = c.confrelid \
         WHERE s.nspname = 'public' AND c.contype IN ('p', 'u', 'f') AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut db)
    .await
    .expect("constraints");
    for (table, kind, columns, target, target_columns) in constraints {
        let columns = columns.join(", ");
        schema.constraints.insert(match kind.as_str() {
            "p" => format!("{table}: PRIMARY KEY({columns})"),
            "u" => format!("{table}: UNIQUE({columns})"),
            _ => format!(
                "{table}: FOREIGN KEY({columns}) → {}({})",
                target.unwrap_or_default(),
                target_columns.join(", ")
            ),
        });
    }
    drop(db);
    admin.execute(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)").as_str()).await.expect("drop");
    schema
}

/// Named under `postgres::`, which `DATELINE_SKIP_POSTGRES=1` skips.
mod postgres {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn both_backends_migrate_to_the_same_schema() {
        super::both_backends_migrate_to_the_same_schema().await;
    }
}

async fn both_backends_migrate_to_the_same_schema() {
    let sqlite = sqlite_schema().await;
    let postgres = postgres_schema().await;
    let mut differences = Vec::new();
    let names = |s: &Schema| s.tables.keys().cloned().collect::<Vec<_>>();
    if names(&sqlite) != names(&postgres) {
        differences.push(format!("tables: SQLite {:?}, PostgreSQL {:?}", names(&sqlite), names(&postgres)));
    }
    for (table, columns) in &sqlite.tables {
        let Some(theirs) = postgres.tables.get(table) else { continue };
        for (column, ours) in columns {
            match theirs.get(column) {
                None => differences.push(format!("{table}.{column} is missing on PostgreSQL")),
                Some(other) if other != ours => {
                    differences.push(format!("{table}.{column}: SQLite {ours:?}, PostgreSQL {other:?}"));
                }
                Some(_) => {}
            }
        }
        for column in theirs.keys().filter(|c| !columns.contains_key(*c)) {
            differences.push(format!("{table}.{column} is missing on SQLite"));
        }
    }
    for (index, ours) in &sqlite.indexes {
        match postgres.indexes.get(index) {
            None => differences.push(format!("index {index} is missing on PostgreSQL")),
            Some(theirs) if theirs != ours => {
                differences.push(format!("index {index}: SQLite {ours:?}, PostgreSQL {theirs:?}"));
            }
            Some(_) => {}
        }
    }
    for index in postgres.indexes.keys().filter(|i| !sqlite.indexes.contains_key(*i)) {
        differences.push(format!("index {index} is missing on SQLite"));
    }
    for constraint in sqlite.constraints.symmetric_difference(&postgres.constraints) {
        let only = if sqlite.constraints.contains(constraint) { "SQLite" } else { "PostgreSQL" };
        differences.push(format!("only on {only}: {constraint}"));
    }
    assert!(sqlite.tables.len() > 20, "read {} SQLite tables", sqlite.tables.len());
    assert!(sqlite.indexes.len() > 20, "read {} SQLite indexes", sqlite.indexes.len());
    let columns: usize = postgres.tables.values().map(BTreeMap::len).sum();
    assert!(columns > 200, "read {columns} PostgreSQL columns");
    eprintln!(
        "compared {} tables, {columns} columns, {} indexes and {} constraints",
        sqlite.tables.len(),
        sqlite.indexes.len(),
        sqlite.constraints.len()
    );
    assert!(differences.is_empty(), "the backends' schemas differ:\n{}", differences.join("\n"));
}
