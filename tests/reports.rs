//! Field reports against a real Synapse: a report in a theme room becomes a
//! card in the deputy room; a reply to the card comes back in the theme room
//! as a reply to the original message, mentioning its author; a status
//! change tells the author; an encrypted theme room never reports into an
//! unencrypted deputy room.
#![recursion_limit = "256"]

mod support;

use std::time::{Duration, Instant};

use matrix_sdk::Room;
use serde_json::{Value, json};
use support::{Bot, Person, TIMEOUT, homeserver, room_events};

async fn wait_for(room: &Room, bot: &Bot, wanted: impl Fn(&str) -> bool) -> Value {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let found = room_events(room).await.into_iter().find(|event| {
            event["sender"] == bot.user_id.as_str()
                && event["type"] == "m.room.message"
                && event["content"]["body"].as_str().is_some_and(&wanted)
        });
        if let Some(event) = found {
            return event;
        }
        assert!(
            Instant::now() < deadline,
            "not seen in {}\n{}",
            room.room_id(),
            bot.log()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_report_reaches_the_team_and_the_answer_comes_back_to_its_author() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let dora = Person::new_on(server, "dora").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    let theme = camille.create_room(false, &bot.user_id).await;
    let deputy = dora.create_room(false, &bot.user_id).await;
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\ndeputy_room = \"{}\"\nadmins = [\"{}\"]\n\n[[theme]]\nslug = \"transports\"\nname = \"Transports\"\nroom = \"{}\"\n",
        hub.room_id(),
        deputy.room_id(),
        camille.user_id,
        theme.room_id(),
    ));
    bot.start(None);
    camille.wait_for_join(&theme, &bot.user_id).await;
    dora.wait_for_join(&deputy, &bot.user_id).await;

    let original = camille
        .send(&theme, "!remontee Le bus de 7h15 ne passe plus à Kermaria")
        .await;
    wait_for(&theme, &bot, |body| {
        body.starts_with("Remontée #1 transmise")
    })
    .await;
    let card = wait_for(&deputy, &bot, |body| {
        body.starts_with("Remontée #1, groupe Transports")
    })
    .await;
    assert!(
        card["content"]["body"]
            .as_str()
            .unwrap()
            .contains("Le bus de 7h15")
    );

    // The team answers with a plain Matrix reply to the card.
    let card_id = card["event_id"].as_str().unwrap().to_owned();
    deputy
        .send_raw(
            "m.room.message",
            json!({
                "msgtype": "m.text",
                "body": "Question écrite déposée",
                "m.relates_to": {"m.in_reply_to": {"event_id": card_id}},
            }),
        )
        .await
        .unwrap();
    let back = wait_for(&theme, &bot, |body| {
        body.contains("Question écrite déposée")
    })
    .await;
    assert_eq!(
        back["content"]["m.relates_to"]["m.in_reply_to"]["event_id"],
        original.as_str()
    );
    assert_eq!(
        back["content"]["m.mentions"]["user_ids"],
        json!([camille.user_id.as_str()])
    );

    dora.send(&deputy, "!statut 1 traité").await;
    let told = wait_for(&theme, &bot, |body| body.contains("maintenant « traitée »")).await;
    assert_eq!(
        told["content"]["m.mentions"]["user_ids"],
        json!([camille.user_id.as_str()])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_encrypted_theme_room_never_reports_into_an_unencrypted_deputy_room() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let dora = Person::new_on(server, "dora").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    let theme = camille.create_room(true, &bot.user_id).await;
    let deputy = dora.create_room(false, &bot.user_id).await;
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\ndeputy_room = \"{}\"\n\n[[theme]]\nslug = \"sante\"\nname = \"Santé\"\nroom = \"{}\"\n",
        hub.room_id(),
        deputy.room_id(),
        theme.room_id(),
    ));
    bot.start(None);
    camille.wait_for_join(&theme, &bot.user_id).await;
    camille.wait_for_device(&bot.user_id).await;
    dora.wait_for_join(&deputy, &bot.user_id).await;
    camille.send(&theme, "!remontee Le dispensaire ferme").await;
    wait_for(&theme, &bot, |body| body.starts_with("Je ne transmets pas")).await;
    dora.send(&deputy, "!remontees").await;
    wait_for(&deputy, &bot, |body| body == "Aucune remontée.").await;
    let leaked = room_events(&deputy)
        .await
        .iter()
        .any(|event| event.to_string().contains("dispensaire"));
    assert!(!leaked);
}
