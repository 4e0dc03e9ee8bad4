//! The `cistern` command.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use cistern_shared::dto::{CreateUserRequest, Locale};
use cistern_shared::Role;
use clap::{Parser, Subcommand};
use diesel::connection::SimpleConnection;

use crate::config::{Config, Mode};
use crate::db::{self, DbTarget};
use crate::domain::audit::Actor;
use crate::startup::{AppState, Application};

#[derive(Parser)]
#[command(
    name = "cistern",
    version,
    about = "Customer information and billing for water and sewer utilities"
)]
pub struct Cli {
    /// Configuration file (TOML). Default: $CISTERN_CONFIG, else ./cistern.toml if present.
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the API and the client.
    Serve {
        /// Load the demo city first if the database is empty (development only).
        #[arg(long)]
        seed_demo: bool,
    },
    /// Apply pending database migrations (they are also applied at every start).
    Migrate {
        /// Revert every migration, then apply them again (destroys all data).
        #[arg(long)]
        redo_all: bool,
    },
    /// Load the demo city (refused in production mode).
    SeedDemo,
    /// Deactivate the demo users and revoke the demo API key (their secrets are published):
    /// production mode refuses to serve until this is done on a database that had the demo.
    RemoveDemoAccess,
    /// Create a user. The password is read from standard input (one line).
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// admin, finance_director, lead, clerk, field, auditor, customer, integrator
        #[arg(long)]
        role: String,
        /// For customer users: the customer record they may see.
        #[arg(long)]
        customer_id: Option<String>,
        #[arg(long, default_value = "en")]
        locale: String,
    },
    /// Create a billing cycle (before importing a city into an empty database).
    CreateCycle {
        /// 1 to 10 capital letters, digits or hyphens, e.g. `C1`.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// Months between bills: 1 (monthly) or 2 (bimonthly).
        #[arg(long)]
        months: i32,
    },
    /// Copy the embedded SQLite database to a file while the server keeps running.
    Backup {
        /// Destination file (must not exist).
        dest: PathBuf,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Copy every table of one database into a new, empty one, across backends (SQLite to
    /// PostgreSQL and back): one transaction on the target, ids kept, row counts checked.
    /// Stop the servers using the source first.
    CopyDatabase {
        /// The database to copy, e.g. `sqlite://./data/cistern.db`.
        #[arg(long)]
        from: String,
        /// The new, empty database, e.g. `postgres://cistern@localhost/cistern`.
        #[arg(long)]
        to: String,
    },
    /// Import a city from its previous system: the CSV files of DIR (customers.csv,
    /// premises.csv, meters.csv, services.csv, accounts.csv, reads.csv, winter_averages.csv;
    /// see docs/import.md). All or nothing; the same files twice change nothing.
    Import {
        /// The folder holding the CSV files.
        dir: PathBuf,
        /// Check everything and report; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Openapi = cli.command {
        print!("{}", crate::openapi::spec_json());
        return Ok(());
    }
    if let Command::CopyDatabase { from, to } = &cli.command {
        return copy_database(from, to);
    }
    let config = Config::load(cli.config.as_deref())?;
    crate::telemetry::init(&config.log_format);
    match cli.command {
        Command::Serve { seed_demo } => serve(config, seed_demo),
        Command::Migrate { redo_all } => {
            let target = DbTarget::parse(&config.database_url)?;
            let mut conn = target.connect()?;
            if redo_all {
                let n = db::revert_all_migrations(&mut conn)?;
                println!("reverted {n} migrations");
            }
            let n = db::run_migrations(&mut conn)?;
            println!("applied {n} migrations; schema is current");
            Ok(())
        }
        Command::SeedDemo => {
            if config.mode == Mode::Production {
                anyhow::bail!("refusing to load demo data in production mode");
            }
            let state = AppState::build(config)?;
            let summary = crate::seed::seed_demo(&state.pool, &state.hasher)?;
            print_demo(&summary);
            Ok(())
        }
        Command::RemoveDemoAccess => {
            let state = AppState::build(config)?;
            let removed = state
                .pool
                .write(|tx| crate::seed::remove_demo_access(tx, &Actor::system("cli")))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if removed.is_empty() {
                println!("No demo sign-ins work in this database.");
            } else {
                println!("Removed demo access: {}.", removed.join(", "));
            }
            Ok(())
        }
        Command::CreateUser {
            username,
            display_name,
            role,
            customer_id,
            locale,
        } => {
            let role = Role::parse(&role).with_context(|| format!("unknown role `{role}`"))?;
            let password = if role == Role::Integrator {
                None
            } else {
                let mut line = String::new();
                std::io::stdin().read_to_string(&mut line)?;
                Some(line.trim_end_matches(['\n', '\r']).to_owned())
            };
            let req = CreateUserRequest {
                username,
                display_name,
                role,
                password,
                locale: Locale::parse(&locale).unwrap_or_default(),
                customer_id,
            };
            crate::error::validate(&req).map_err(refused)?;
            let state = AppState::build(config)?;
            let hash = crate::domain::users::new_user_password_hash(&state.hasher, &req)
                .map_err(refused)?;
            let user = state
                .pool
                .write(|tx| crate::domain::users::create(tx, &Actor::system("cli"), &req, hash))
                .map_err(refused)?;
            println!(
                "created {} ({}) with id {}",
                user.username, user.role, user.id
            );
            if role == Role::Integrator {
                let key = state
                    .pool
                    .write(|tx| {
                        let first = cistern_shared::dto::CreateApiKeyRequest {
                            name: "first key".into(),
                            ..Default::default()
                        };
                        crate::domain::users::create_api_key(
                            tx,
                            &Actor::system("cli"),
                            &user.id,
                            &first,
                        )
                    })
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                println!("API key (shown once): {}", key.key);
            }
            Ok(())
        }
        Command::CreateCycle { code, name, months } => {
            let input = cistern_shared::cycles::CycleInput {
                code,
                name,
                months_per_bill: months,
            };
            crate::error::validate(&input).map_err(refused)?;
            let state = AppState::build(config)?;
            let cycle = state
                .pool
                .write(|tx| crate::domain::cycles::create(tx, &Actor::system("cli"), &input))
                .map_err(refused)?;
            println!(
                "created billing cycle {} ({}, every {} month(s)) with id {}",
                cycle.code, cycle.name, cycle.months_per_bill, cycle.id
            );
            Ok(())
        }
        Command::Backup { dest } => backup(&config, &dest),
        Command::Import { dir, dry_run } => import(config, &dir, dry_run),
        Command::Openapi | Command::CopyDatabase { .. } => Ok(()),
    }
}

/// `cistern copy-database --from URL --to URL`: prints each table's rows in both.
fn copy_database(from: &str, to: &str) -> anyhow::Result<()> {
    let source = DbTarget::parse(from).context("--from")?;
    let target = DbTarget::parse(to).context("--to")?;
    let started = std::time::Instant::now();
    let copied = crate::db::copy::copy_database(&source, &target)?;
    println!("  {:<20} {:>9} {:>9}", "table", "source", "target");
    for t in &copied {
        println!("  {:<20} {:>9} {:>9}", t.table, t.source, t.target);
    }
    let rows: i64 = copied.iter().map(|t| t.target).sum();
    println!(
        "Copied {} tables ({rows} rows) from {} to {} in {} s; every row count matches.",
        copied.len(),
        source.backend().as_str(),
        target.backend().as_str(),
        started.elapsed().as_secs()
    );
    Ok(())
}

/// A refusal as an operator reads it: the problem, then each field with its rule's code.
fn refused(e: crate::error::ApiError) -> anyhow::Error {
    let fields: Vec<String> = e
        .fields
        .iter()
        .map(|f| format!("{} {} [{}]", f.field, f.message, f.code.as_str()))
        .collect();
    if fields.is_empty() {
        anyhow::anyhow!("{e}")
    } else {
        anyhow::anyhow!("{e}: {}", fields.join("; "))
    }
}

fn print_demo(summary: &crate::seed::DemoSummary) {
    if summary.loaded_now {
        println!(
            "Loaded the demo city: {} accounts in 3 billing cycles.",
            summary.accounts
        );
    }
    println!("Demo sign-ins (development only):");
    for s in &summary.sign_ins {
        let what = if s.role == Role::Integrator {
            "API key"
        } else {
            "password"
        };
        println!(
            "  {:<17} user {:<11} {what} {}",
            s.role.as_str(),
            s.username,
            s.secret
        );
    }
}

fn serve(config: Config, seed_demo: bool) -> anyhow::Result<()> {
    let rt = actix_web::rt::System::new();
    rt.block_on(async move {
        if seed_demo && config.mode == Mode::Production {
            anyhow::bail!("refusing to load demo data in production mode");
        }
        let app = Application::build(config).await?;
        if seed_demo {
            let state = app.state().clone();
            let summary =
                actix_web::web::block(move || crate::seed::seed_demo(&state.pool, &state.hasher))
                    .await?
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            print_demo(&summary);
        }
        println!(
            "Cistern is serving on http://{} ({} database)",
            local_addr(&app),
            app.pool().backend().as_str()
        );
        app.run_until_stopped().await?;
        Ok(())
    })
}

fn local_addr(app: &Application) -> String {
    let bind = &app.state().config.bind;
    match bind.rsplit_once(':') {
        Some((host, _)) => format!("{host}:{}", app.port()),
        None => bind.clone(),
    }
}

/// `cistern import DIR [--dry-run]`: prints the report; fails (exit status 1) when the files
/// have problems.
fn import(config: Config, dir: &std::path::Path, dry_run: bool) -> anyhow::Result<()> {
    use cistern_shared::import::ImportOutcome;
    let files = crate::domain::import::ImportFiles::from_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?;
    let state = AppState::build(config)?;
    let started = std::time::Instant::now();
    let report = crate::domain::import::run(
        &state.pool,
        &Actor::system("import"),
        &files,
        crate::domain::import::Options {
            dry_run,
            today: state.business_date(),
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "{} {} ({} s)",
        if dry_run { "Dry run of" } else { "Import of" },
        dir.display(),
        started.elapsed().as_secs()
    );
    println!("checksum {}", report.checksum);
    println!(
        "  {:<20} {:>8} {:>8} {:>8} {:>9}",
        "file", "rows", "created", "updated", "unchanged"
    );
    for f in &report.files {
        println!(
            "  {:<20} {:>8} {:>8} {:>8} {:>9}",
            f.file, f.rows, f.created, f.updated, f.unchanged
        );
    }
    for p in &report.problems {
        let place = match (p.file.as_str(), p.row, p.field.as_str()) {
            ("", _, _) => "(batch)".to_owned(),
            (file, 0, _) => file.to_owned(),
            (file, row, "") => format!("{file}:{row}"),
            (file, row, field) => format!("{file}:{row}:{field}"),
        };
        println!("{place}: {} [{}]", p.message, p.code);
    }
    let listed = u64::try_from(report.problems.len()).unwrap_or(u64::MAX);
    if report.problem_count > listed {
        println!("... and {} more problems", report.problem_count - listed);
    }
    match report.outcome {
        ImportOutcome::Invalid => {
            anyhow::bail!("{} problem(s); nothing was imported", report.problem_count)
        }
        ImportOutcome::Ready => println!("No problems: the import would make the changes above."),
        ImportOutcome::Imported => {
            println!("Imported as batch {}.", report.batch_id.unwrap_or_default())
        }
        ImportOutcome::AlreadyImported => println!(
            "Already imported (batch {}): nothing changed.",
            report.batch_id.unwrap_or_default()
        ),
    }
    Ok(())
}

/// SQLite's `VACUUM INTO` writes a consistent copy while readers and writers go on.
fn backup(config: &Config, dest: &std::path::Path) -> anyhow::Result<()> {
    let target = DbTarget::parse(&config.database_url)?;
    if !matches!(target, DbTarget::Sqlite(_)) {
        anyhow::bail!("backup copies the embedded SQLite database; for PostgreSQL use pg_dump");
    }
    if dest.exists() {
        anyhow::bail!("{} exists already; choose a new file", dest.display());
    }
    let dest_text = dest.to_str().context("destination path is not UTF-8")?;
    let mut conn = target.connect()?;
    conn.batch_execute(&format!("VACUUM INTO '{}'", dest_text.replace('\'', "''")))?;
    println!("backed up to {}", dest.display());
    Ok(())
}
