//! The public site, as a person not on Matrix would use it (issue 20):
//! meetings announced in rooms through a real Synapse, then the pages and
//! calendar feeds fetched over HTTP.
#![recursion_limit = "256"]

mod support;

use std::time::{Duration, Instant};

use icalendar::{Calendar, CalendarComponent, Component};
use support::{Bot, Person, TIMEOUT, homeserver, wait_for_message};

/// A free port on loopback for the site.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Fetches `url` until `ready` holds on its text.
async fn fetch_until(url: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Ok(response) = reqwest::get(url).await
            && let Ok(text) = response.text().await
            && ready(&text)
        {
            return text;
        }
        assert!(Instant::now() < deadline, "{url} never got ready");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The VEVENTs of a feed, parsed by an independent parser: (UID, DTSTART
/// as written, STATUS).
fn events(feed: &str) -> Vec<(String, String, String)> {
    let calendar: Calendar = feed.parse().expect("the feed parses");
    calendar
        .components
        .iter()
        .filter_map(|component| match component {
            CalendarComponent::Event(event) => Some((
                event.get_uid().unwrap_or_default().to_owned(),
                event
                    .properties()
                    .get("DTSTART")
                    .map(|start| start.value().to_owned())
                    .unwrap_or_default(),
                event
                    .properties()
                    .get("STATUS")
                    .map(|status| status.value().to_owned())
                    .unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn public_groups_meetings_are_on_the_site_and_in_the_feeds_and_nobody_is() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    let sante = camille.create_room(false, &bot.user_id).await;
    let eau = camille.create_room(false, &bot.user_id).await;
    let logement = camille.create_room(false, &bot.user_id).await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\nadmins = [\"{}\"]\n\n\
         [web]\nlisten = \"127.0.0.1:{port}\"\npublic_url = \"{base}\"\npublic_assembly = true\n\n\
         [[theme]]\nslug = \"sante\"\nname = \"Santé\"\nroom = \"{}\"\npublic = true\n\n\
         [[theme]]\nslug = \"eau\"\nname = \"Eau\"\nroom = \"{}\"\npublic = true\n\n\
         [[theme]]\nslug = \"logement\"\nname = \"Logement\"\nroom = \"{}\"\n",
        hub.room_id(),
        camille.user_id,
        sante.room_id(),
        eau.room_id(),
        logement.room_id(),
    ));
    bot.start(None);
    for room in [&hub, &sante, &eau, &logement] {
        camille.wait_for_join(room, &bot.user_id).await;
    }
    for (room, line) in [
        (
            &sante,
            "!reunion dans 10 jours 18h | Maison de santé | Budget",
        ),
        (&eau, "!reunion dans 11 jours 18h30 | Salle 2 de la mairie"),
        (
            &logement,
            "!reunion dans 12 jours 10h | Chez Lou, 3 rue Secrète",
        ),
    ] {
        camille.send(room, line).await;
        wait_for_message(room, &bot, |body| body.starts_with("Réunion #")).await;
    }

    let home = fetch_until(&format!("{base}/"), |text| {
        text.contains("Maison de santé") && text.contains("Salle 2 de la mairie")
    })
    .await;
    assert!(home.contains("Rejoindre le groupe Santé"), "{home}");
    assert!(home.contains("webcal://127.0.0.1"), "{home}");
    let group = fetch_until(&format!("{base}/sante"), |text| text.contains("Budget")).await;
    for page in [&home, &group] {
        assert!(
            !page.contains("Secrète") && !page.contains("Logement"),
            "{page}"
        );
        for person in [camille.user_id.as_str(), bot.user_id.as_str()] {
            assert!(!page.contains(person), "{person} in {page}");
        }
    }
    assert_eq!(
        reqwest::get(format!("{base}/logement"))
            .await
            .unwrap()
            .status(),
        404
    );

    let feed = fetch_until(&format!("{base}/agenda.ics"), |text| {
        text.contains("END:VCALENDAR")
    })
    .await;
    let before = events(&feed);
    assert_eq!(before.len(), 2, "{feed}");
    assert!(
        !feed.contains("Secrète") && !feed.contains(camille.user_id.as_str()),
        "{feed}"
    );
    // Moved in the room: the same UID, at the new time, at once.
    camille.send(&sante, "!deplacer 1 dans 10 jours 20h").await;
    wait_for_message(&sante, &bot, |body| body.contains("déplacée")).await;
    let moved = events(
        &fetch_until(&format!("{base}/sante.ics"), |text| {
            text.contains("T200000")
        })
        .await,
    );
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].0, before[0].0, "the UID stays");
    assert!(moved[0].1.ends_with("T200000"), "{moved:?}");
    // Cancelled: still in the feed, marked so, for calendars to drop it.
    camille.send(&eau, "!annuler 2").await;
    wait_for_message(&eau, &bot, |body| body.contains("annulée")).await;
    let cancelled = events(
        &fetch_until(&format!("{base}/eau.ics"), |text| {
            text.contains("STATUS:CANCELLED")
        })
        .await,
    );
    assert_eq!(cancelled[0].2, "CANCELLED");
}
