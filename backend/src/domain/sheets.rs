//! Printed work orders. A meter set sheet tells the installer where, which meter, and what to
//! write down; every other order prints the same frame with its own task.

use cistern_shared::dto::Locale;
use cistern_shared::orders::{OrderType, ServiceOrderDto};
use diesel::prelude::*;

use crate::db::schema::{accounts, customers, meters, premises};
use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::pdf::{render, Block};

fn tr(locale: Locale, en: &str, es: &str) -> String {
    match locale {
        Locale::En => en.to_owned(),
        Locale::Es => es.to_owned(),
    }
}

fn order_title(t: OrderType, l: Locale) -> String {
    let (en, es) = match t {
        OrderType::MeterSet => ("Meter set sheet", "Hoja de instalación de medidor"),
        OrderType::TurnOn => ("Turn-on order", "Orden de conexión"),
        OrderType::TurnOff => ("Turn-off order", "Orden de desconexión"),
        OrderType::FinalRead => ("Final read order", "Orden de lectura final"),
        OrderType::Reread => ("Reread order", "Orden de relectura"),
        OrderType::LeakCheck => ("Leak check order", "Orden de revisión de fuga"),
        OrderType::ShutOffNonpayment => ("Shut-off for nonpayment", "Corte por falta de pago"),
        OrderType::Reconnect => ("Reconnect order", "Orden de reconexión"),
        OrderType::MeterChange => ("Meter change-out order", "Orden de cambio de medidor"),
        OrderType::Locate => ("Utility locate", "Localización de servicios"),
    };
    tr(l, en, es)
}

pub fn work_order(c: &mut DbConnection, o: &ServiceOrderDto, l: Locale) -> ApiResult<Vec<u8>> {
    type P = (Option<String>, String, i32, bool);
    let (parcel, route, seq, inside): P = premises::table
        .find(&o.premise_id)
        .select((
            premises::parcel,
            premises::route,
            premises::read_sequence,
            premises::inside_city,
        ))
        .first(c)?;
    let phone: Option<String> = match &o.account_id {
        Some(a) => accounts::table
            .inner_join(customers::table)
            .filter(accounts::id.eq(a))
            .select(customers::phone)
            .first::<Option<String>>(c)
            .optional()?
            .flatten(),
        None => None,
    };
    let meter_line = |id: &Option<String>, c: &mut DbConnection| -> ApiResult<Option<String>> {
        match id {
            Some(m) => {
                let r: (String, String, String, Option<String>) = meters::table
                    .find(m)
                    .select((
                        meters::serial,
                        meters::size,
                        meters::kind,
                        meters::endpoint_serial,
                    ))
                    .first(c)?;
                Ok(Some(format!(
                    "{}  ({}\", {}{})",
                    r.0,
                    r.1,
                    r.2.replace('_', " "),
                    r.3.map(|e| format!(", endpoint {e}")).unwrap_or_default()
                )))
            }
            None => Ok(None),
        }
    };
    let mut b = vec![
        Block::Title(format!("{} {}", order_title(o.order_type, l), o.number)),
        Block::Field(
            tr(l, "Service address", "Dirección de servicio"),
            o.service_address.clone(),
        ),
        Block::Field(
            tr(l, "Parcel", "Parcela"),
            parcel.unwrap_or_else(|| "—".into()),
        ),
        Block::Field(
            tr(l, "Route / sequence", "Ruta / secuencia"),
            format!(
                "{route} / {seq}  ({})",
                if inside {
                    tr(l, "inside city", "dentro de la ciudad")
                } else {
                    tr(l, "outside city", "fuera de la ciudad")
                }
            ),
        ),
        Block::Field(tr(l, "Due", "Fecha límite"), o.due_on.to_string()),
        Block::Field(
            tr(l, "Priority", "Prioridad"),
            o.priority.as_str().to_owned(),
        ),
        Block::Field(
            tr(l, "Assigned to", "Asignada a"),
            o.assigned_name.clone().unwrap_or_else(|| "—".into()),
        ),
    ];
    if let (Some(n), Some(name)) = (&o.account_number, &o.customer_name) {
        b.push(Block::Field(
            tr(l, "Account", "Cuenta"),
            format!("{n}  {name}"),
        ));
    }
    if let Some(p) = phone {
        b.push(Block::Field(tr(l, "Phone", "Teléfono"), p));
    }
    b.push(Block::Heading(tr(l, "Meter", "Medidor")));
    if let Some(m) = meter_line(&o.meter_id, c)? {
        b.push(Block::Field(
            tr(l, "Meter at the premise", "Medidor en el lugar"),
            m,
        ));
    }
    if let Some(m) = meter_line(&o.new_meter_id, c)? {
        b.push(Block::Field(
            tr(l, "Meter to install", "Medidor a instalar"),
            m,
        ));
    }
    if let Some(i) = &o.instructions {
        b.push(Block::Heading(tr(l, "Instructions", "Instrucciones")));
        b.push(Block::Text(i.clone()));
    }
    b.push(Block::Heading(tr(l, "To fill in", "Para completar")));
    match o.order_type {
        OrderType::MeterChange => {
            b.push(Block::Blank(tr(
                l,
                "Old meter final read",
                "Lectura final medidor viejo",
            )));
            b.push(Block::Blank(tr(
                l,
                "New meter start read",
                "Lectura inicial medidor nuevo",
            )));
        }
        OrderType::LeakCheck | OrderType::Locate => {}
        _ => b.push(Block::Blank(tr(l, "Reading", "Lectura"))),
    }
    b.push(Block::Blank(tr(
        l,
        "Date completed",
        "Fecha de terminación",
    )));
    b.push(Block::Blank(tr(l, "Notes", "Notas")));
    b.push(Block::Blank(tr(l, "Technician", "Técnico")));
    Ok(render(&b, &format!("Cistern — {}", o.number)))
}
