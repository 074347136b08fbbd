//! Field reports against a real Synapse: a report in a theme room becomes a
//! card in the deputy room; a reply to the card comes back in the theme room
//! as a reply to the original message, mentioning its author; a status
//! change tells the author; an encrypted theme room never reports into an
//! unencrypted deputy room.
#![recursion_limit = "256"]

mod support;

use std::time::Duration;

use serde_json::json;
use support::{
    Bot, Person, assembly_rooms, count_messages, homeserver, room_events,
    room_events_with_encryption, wait_for_message,
};

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
    wait_for_message(&theme, &bot, |body| {
        body.starts_with("Remontée #1 transmise")
    })
    .await;
    let card = wait_for_message(&deputy, &bot, |body| {
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
    let back = wait_for_message(&theme, &bot, |body| {
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
    let told = wait_for_message(&theme, &bot, |body| body.contains("maintenant « traitée »")).await;
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
    wait_for_message(&theme, &bot, |body| body.starts_with("Je ne transmets pas")).await;
    dora.send(&deputy, "!remontees").await;
    wait_for_message(&deputy, &bot, |body| body == "Aucune remontée.").await;
    let leaked = room_events(&deputy)
        .await
        .iter()
        .any(|event| event.to_string().contains("dispensaire"));
    assert!(!leaked);
}

/// What the team writes in its encrypted room never reaches a clear room:
/// the answer to a report from a clear theme room goes to its author in a
/// direct chat the bot opens encrypted (not the clear one they share), and
/// an announcement for clear rooms only is not sent.
#[tokio::test(flavor = "multi_thread")]
async fn an_encrypted_team_room_answers_a_clear_room_only_in_an_encrypted_direct_chat() {
    let server = homeserver();
    let camille = Person::new_on(server, "camille").await;
    let dora = Person::new_on(server, "dora").await;
    let mut bot = Bot::new_on(server).await;
    let hub = camille.create_room(false, &bot.user_id).await;
    let theme = camille.create_room(false, &bot.user_id).await;
    let deputy = dora.create_room(true, &bot.user_id).await;
    let clear = camille.create_clear_direct_chat(&bot.user_id).await;
    bot.configure_assembly(&format!(
        "[assembly]\nhub_room = \"{}\"\ndeputy_room = \"{}\"\n\n[[theme]]\nslug = \"logement\"\nname = \"Logement\"\nroom = \"{}\"\n",
        hub.room_id(),
        deputy.room_id(),
        theme.room_id(),
    ));
    bot.start(None);
    for room in [&hub, &theme, &clear] {
        camille.wait_for_join(room, &bot.user_id).await;
    }
    dora.wait_for_join(&deputy, &bot.user_id).await;
    dora.wait_for_device(&bot.user_id).await;

    camille.send(&theme, "!remontee Les loyers montent").await;
    wait_for_message(&theme, &bot, |body| {
        body.starts_with("Remontée #1 transmise") && body.contains("en message privé")
    })
    .await;
    wait_for_message(&deputy, &bot, |body| body.starts_with("Remontée #1,")).await;
    dora.send(&deputy, "!repondre 1 Nous écrivons au préfet")
        .await;
    wait_for_message(&deputy, &bot, |body| {
        body.starts_with("Réponse à la remontée #1 transmise") && body.contains("en message privé")
    })
    .await;
    let direct = camille.accept_invite_from(&bot.user_id).await;
    assert_ne!(direct.room_id(), clear.room_id());
    wait_for_message(&direct, &bot, |body| body.contains("préfet")).await;
    let answer = room_events_with_encryption(&direct)
        .await
        .into_iter()
        .find(|(event, _)| event.to_string().contains("préfet"))
        .unwrap();
    assert!(answer.1, "sent encrypted: {}", answer.0);

    dora.send(&deputy, "!annonce Le texte arrive mardi").await;
    wait_for_message(&deputy, &bot, |body| {
        body.starts_with("Annonce non envoyée")
    })
    .await;
    for room in [&hub, &theme, &clear] {
        let leaked: Vec<String> = room_events(room)
            .await
            .iter()
            .map(|event| event.to_string())
            .filter(|event| event.contains("préfet") || event.contains("Le texte arrive"))
            .collect();
        assert!(leaked.is_empty(), "{leaked:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_announcement_reaches_the_hub_and_every_theme_room_once() {
    let (camille, dora, mut bot, hub, theme, deputy) = assembly_rooms("").await;
    bot.start(None);
    camille.wait_for_join(&hub, &bot.user_id).await;
    camille.wait_for_join(&theme, &bot.user_id).await;
    dora.wait_for_join(&deputy, &bot.user_id).await;
    dora.send(&deputy, "!annonce Le projet de loi arrive en séance mardi")
        .await;
    wait_for_message(&deputy, &bot, |body| {
        body.starts_with("Annonce envoyée dans 2 salons")
    })
    .await;
    for room in [&hub, &theme] {
        let announced =
            wait_for_message(room, &bot, |body| body.contains("Le projet de loi arrive")).await;
        assert_eq!(announced["content"]["m.mentions"], json!({"user_ids": []}));
        assert_eq!(count_messages(room, &bot, "📣").await, 1);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_scheduled_digest_arrives_once_across_a_restart_around_its_time() {
    use chrono::{Duration as Span, Timelike};
    // Due at the start of a minute at least 40 s ahead, in Paris time.
    let paris = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Paris) + Span::seconds(40);
    let due = paris.with_second(0).unwrap() + Span::minutes(1);
    let schedule = format!(
        "digest = \"quotidien {:02}:{:02}\"",
        due.hour(),
        due.minute()
    );
    let (_camille, dora, mut bot, _hub, _theme, deputy) = assembly_rooms(&schedule).await;
    bot.start(None);
    dora.wait_for_join(&deputy, &bot.user_id).await;
    // Stopped a little before the time, started again after it.
    let until_due = (due.with_timezone(&chrono::Utc) - chrono::Utc::now())
        .to_std()
        .unwrap_or_default();
    tokio::time::sleep(until_due.saturating_sub(Duration::from_secs(5))).await;
    bot.kill();
    tokio::time::sleep(Duration::from_secs(15)).await;
    bot.start(None);
    let digest = wait_for_message(&deputy, &bot, |body| {
        body.starts_with("Résumé de l'assemblée")
    })
    .await;
    // The team is told: the digest rings, naming nobody.
    assert_eq!(digest["content"]["msgtype"], "m.text");
    assert_eq!(digest["content"]["m.mentions"], json!({"user_ids": []}));
    assert!(
        dora.rings_for(&deputy, digest["event_id"].as_str().unwrap())
            .await
    );
    bot.kill();
    bot.start(None);
    dora.send(&deputy, "!remontees").await;
    wait_for_message(&deputy, &bot, |body| body == "Aucune remontée.").await;
    assert_eq!(
        count_messages(&deputy, &bot, "Résumé de l'assemblée").await,
        1
    );
}
