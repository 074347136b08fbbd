//! Transcripts of the core: an input, the state, and the reply it produces.
//! No server, no database: `handle` is a pure function.

use chrono::TimeZone;
use expect_test::{Expect, expect};

use super::*;

const ROOM: &str = "!theme:example.org";
const HUB: &str = "!hub:example.org";
const DEPUTY: &str = "!deputy:example.org";
const ADMIN: &str = "@admin:example.org";
const BOT: &str = "@boucle:example.org";

fn settings(language: Language) -> Settings {
    Settings {
        bot_user_id: BOT.into(),
        prefix: "!".into(),
        language,
        time_zone: chrono_tz::Europe::Paris,
        hub_room_id: Some(HUB.into()),
        deputy_room_id: Some(DEPUTY.into()),
        admins: vec![ADMIN.into()],
        themes: vec![ThemeSettings {
            slug: "sante".into(),
            name: "Santé".into(),
            room_id: Some(ROOM.into()),
        }],
    }
}

fn message(room: &str, sender: &str, body: &str) -> IncomingMessage {
    IncomingMessage {
        event_id: "$command".into(),
        room_id: room.into(),
        sender: sender.into(),
        body: body.into(),
        kind: MessageKind::Text,
        is_edit: false,
        sender_power_level: 0,
        is_direct: false,
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap()
}

/// Runs `input` through the core and compares the plain replies with `expect`.
fn check_with(language: Language, input: IncomingMessage, expect: Expect) {
    let state = State::new(settings(language)).unwrap();
    let outcome = handle(&Input::Message(input), &state, now());
    let replies: Vec<String> = outcome
        .messages
        .iter()
        .map(|message| message.text.body.clone())
        .collect();
    expect.assert_eq(&replies.join("\n---\n"));
}

fn check(body: &str, expect: Expect) {
    check_with(
        Language::Fr,
        message(ROOM, "@camille:example.org", body),
        expect,
    );
}

#[test]
fn help_lists_what_works_here_and_what_is_coming() {
    check(
        "!aide",
        expect![[r#"
            Commandes disponibles ici
            !aide : la liste des commandes, ou le détail de l'une d'elles
            Bientôt : !themes, !inscription, !desinscription, !membres, !profil, !inviter, !mesdonnees, !oublier, !sondage, !vote, !cloturer, !resultats, !sondages, !scrutin, !reunion, !annuler, !deplacer, !participe, !absent, !peutetre, !participants, !rappels, !agenda, !creneaux, !remontee, !intervenant, !intervenants
            Tapez !aide suivi d'une commande pour le détail, par exemple « !aide sondage »."#]],
    );
}

#[test]
fn help_depends_on_the_room_and_the_person() {
    let mut coordinator = message(ROOM, "@yann:example.org", "!aide");
    coordinator.sender_power_level = 50;
    let state = State::new(settings(Language::Fr)).unwrap();
    let body = |input: IncomingMessage| {
        handle(&Input::Message(input), &state, now()).messages[0]
            .text
            .body
            .clone()
    };
    assert!(body(coordinator).contains("!coordination"));
    assert!(!body(message(ROOM, "@camille:example.org", "!aide")).contains("!coordination"));
    let deputy = body(message(DEPUTY, "@equipe:example.org", "!aide"));
    assert!(
        deputy.contains("!repondre") && !deputy.contains("!inscription"),
        "{deputy}"
    );
    let lists_assembly = |body: String| body.split([',', ' ', '\n']).any(|word| word == "!ag");
    assert!(!lists_assembly(body(message(
        HUB,
        "@camille:example.org",
        "!aide"
    ))));
    assert!(lists_assembly(body(message(HUB, ADMIN, "!aide"))));
}

#[test]
fn help_on_one_command_explains_it_with_an_example() {
    check(
        "!aide sondage",
        expect![[r#"
            !sondage (ou !poll)
            lancer un sondage : la question, puis une option par ligne
            Utilisation : !sondage <question> puis une option par ligne (ou séparées par |), de 2 à 20 options ; --plusieurs N, --jusqu'au <date>, --resultats-caches
            Exemple : !sondage Quel thème pour la réunion publique ? | Santé | Logement | Énergie
            Cette commande arrive bientôt : elle n'est pas encore en service."#]],
    );
    check(
        "!aide aide",
        expect![[r#"
            !aide (ou !help)
            la liste des commandes, ou le détail de l'une d'elles
            Utilisation : !aide [commande]
            Exemple : !aide sondage"#]],
    );
}

#[test]
fn english_help_uses_english_names() {
    check_with(
        Language::En,
        message(ROOM, "@camille:example.org", "!help poll"),
        expect![[r#"
            !poll (or !sondage)
            start a poll: the question, then one option per line
            Usage: !poll <question> then one option per line (or separated by |), 2 to 20 options; --multiple N, --until <date>, --hidden
            Example: !poll Which theme for the public meeting? | Health | Housing | Energy
            This command is coming soon: it is not in service yet."#]],
    );
}

#[test]
fn a_typo_gets_the_closest_command() {
    check(
        "!reunoin jeudi",
        expect![[r#"
            Je ne connais pas la commande !reunoin.
            Vouliez-vous dire !reunion ?"#]],
    );
    check(
        "!blabla",
        expect![[r#"
            Je ne connais pas la commande !blabla.
            Tapez !aide pour voir les commandes."#]],
    );
    check(
        "!aide reunoin",
        expect![[r#"
            Je ne connais pas de commande « reunoin ».
            Vouliez-vous dire !reunion ?"#]],
    );
}

#[test]
fn a_coming_command_says_so() {
    check(
        "!Réunion jeudi 18h30",
        expect![
            "!reunion arrive bientôt : cette commande n'est pas encore en service. Tapez !aide pour voir ce qui marche déjà."
        ],
    );
}

#[test]
fn ordinary_messages_edits_notices_and_the_bot_itself_are_ignored() {
    let state = State::new(settings(Language::Fr)).unwrap();
    let mut edit = message(ROOM, "@camille:example.org", "!aide");
    edit.is_edit = true;
    let mut notice = message(ROOM, "@camille:example.org", "!aide");
    notice.kind = MessageKind::Notice;
    let mut emote = message(ROOM, "@camille:example.org", "!aide");
    emote.kind = MessageKind::Emote;
    let inputs = [
        message(ROOM, "@camille:example.org", "bonjour à tous"),
        message(ROOM, BOT, "!aide"),
        edit,
        notice,
        emote,
    ];
    for input in inputs {
        let outcome = handle(&Input::Message(input.clone()), &state, now());
        assert_eq!(outcome, Outcome::default(), "{input:?} must be ignored");
    }
}

#[test]
fn replies_answer_the_command_and_ping_nobody() {
    let state = State::new(settings(Language::Fr)).unwrap();
    let outcome = handle(
        &Input::Message(message(
            ROOM,
            "@camille:example.org",
            "!aide <b>x</b> @room",
        )),
        &state,
        now(),
    );
    let [reply] = outcome.messages.as_slice() else {
        panic!("one reply expected")
    };
    assert_eq!(reply.room_id, ROOM);
    assert_eq!(reply.reply_to.as_deref(), Some("$command"));
    assert!(reply.mentions.is_empty());
    assert!(
        reply.text.html.contains("&lt;b&gt;x&lt;/b&gt;"),
        "{}",
        reply.text.html
    );
    assert!(!reply.text.body.contains("@room"));
}
