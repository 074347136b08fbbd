//! What a hostile member tried, and what the core does now. Each test is
//! named after what broke (ripgrep's `tests/regression.rs`): a count rigged,
//! an input that stopped the bot, a reply too large for the homeserver.

use super::tests::{ADMIN, CAMILLE, Chat, DIRECT, ROOM, YANN, message, now as start, response};
use super::*;

fn voters(chat: &mut Chat) -> String {
    chat.say(ROOM, ADMIN, "!resultats 1")
}

/// A poll in the theme room, its start event known as `$poll1`.
fn open_poll(chat: &mut Chat) {
    chat.say(ROOM, CAMILLE, "!sondage Quel jour ? | Mardi | Jeudi");
    chat.input(Input::Sent {
        tag: "poll:1".into(),
        event_id: "$poll1".into(),
    });
}

fn forget(chat: &mut Chat, who: &str) -> String {
    chat.now += chrono::Duration::seconds(1);
    chat.say(DIRECT, who, "!oublier confirmer")
}

/// Closes poll 1 and answers the re-read with `responses`, as the adapter
/// would with what `/relations` gives back.
fn close_with(chat: &mut Chat, responses: Vec<polls::PollResponse>) -> String {
    let closing = chat.say(ROOM, CAMILLE, "!cloturer 1");
    assert!(closing.contains("relit les votes"), "{closing}");
    chat.input(Input::PollClosing {
        number: 1,
        responses,
    })
}

fn homeserver_copy(inputs: &[Input]) -> Vec<polls::PollResponse> {
    inputs
        .iter()
        .filter_map(|input| match input {
            Input::PollResponse(response) => Some(response.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn voting_forgetting_and_voting_again_in_a_loop_counts_once() {
    let mut chat = Chat::new();
    open_poll(&mut chat);
    let mut sent = Vec::new();
    for round in 0..5u32 {
        let vote = response(&format!("$v{round}"), YANN, &["1"], 10 * round + 1);
        chat.now = start() + chrono::Duration::seconds(i64::from(10 * round + 2));
        chat.input(vote.clone());
        sent.push(vote);
        let done = forget(&mut chat, YANN);
        assert!(
            done.contains("sondages encore ouverts sont retirés"),
            "{done}"
        );
    }
    // The last vote, after the last erasure, is the one that counts.
    let last = response("$last", YANN, &["2"], 100);
    chat.now = start() + chrono::Duration::seconds(101);
    chat.input(last.clone());
    sent.push(last);
    expect_test::expect![[r#"
        [santé] Résultats provisoires du sondage #1 « Quel jour ? » (1 votant) :
        • Mardi : 0 voix (0 %)
        • Jeudi : 1 voix (100 %)
        En tête : Jeudi"#]]
    .assert_eq(&voters(&mut chat));
    // At closing the homeserver gives back every vote ever sent.
    let published = close_with(&mut chat, homeserver_copy(&sent));
    assert!(published.contains("(1 votant)"), "{published}");
    assert!(published.contains("Jeudi : 1 voix (100 %)"), "{published}");
    // Nothing links anyone to a closed poll's choices.
    assert!(chat.state.assembly.votes.is_empty());
    assert!(chat.state.assembly.polls[&1].withdrawn.is_empty());
}

#[test]
fn the_reread_at_closing_never_brings_back_an_erased_vote() {
    let mut chat = Chat::new();
    open_poll(&mut chat);
    let yann = response("$y", YANN, &["1"], 1);
    let camille = response("$c", CAMILLE, &["2"], 2);
    chat.now = start() + chrono::Duration::seconds(3);
    chat.input(yann.clone());
    chat.input(camille.clone());
    forget(&mut chat, YANN);
    let stored = format!("{:?}", chat.state.assembly);
    assert!(!stored.contains(YANN), "{stored}");
    let published = close_with(&mut chat, homeserver_copy(&[yann, camille]));
    assert!(published.contains("(1 votant)"), "{published}");
    assert!(published.contains("Mardi : 0 voix"), "{published}");
    let stored = format!("{:?}", chat.state.assembly);
    assert!(
        !stored.contains(YANN),
        "stored again under their id: {stored}"
    );
}

#[test]
fn a_vote_synced_after_the_erasure_that_it_preceded_is_not_stored() {
    // The direct chat's `!oublier` and the poll room's earlier click come
    // in the same sync response, the erasure first.
    let mut chat = Chat::new();
    open_poll(&mut chat);
    chat.now = start() + chrono::Duration::seconds(10);
    forget(&mut chat, YANN);
    chat.input(response("$before", YANN, &["1"], 5));
    assert!(chat.state.assembly.votes.is_empty());
    // A vote sent after the erasure counts.
    chat.input(response("$after", YANN, &["2"], 20));
    assert!(voters(&mut chat).contains("(1 votant)"));
}

#[test]
fn forgetting_after_the_results_leaves_them_as_announced() {
    let mut chat = Chat::new();
    open_poll(&mut chat);
    chat.input(response("$y", YANN, &["1"], 1));
    chat.input(response("$c", CAMILLE, &["1"], 2));
    chat.now = start() + chrono::Duration::seconds(3);
    let published = close_with(&mut chat, Vec::new());
    let before = voters(&mut chat);
    assert!(before.contains("(2 votants)"), "{before}");
    forget(&mut chat, YANN);
    forget(&mut chat, CAMILLE);
    assert_eq!(voters(&mut chat), before);
    assert!(published.contains("Mardi : 2 voix (100 %)"), "{published}");
    let stored = format!("{:?}", chat.state.assembly);
    assert!(
        !stored.contains(YANN) && !stored.contains(CAMILLE),
        "{stored}"
    );
}

#[test]
fn a_poll_published_by_the_previous_version_keeps_its_counts_when_a_voter_forgets() {
    // Version 1 kept a published poll's votes, not its counts.
    let mut chat = Chat::new();
    open_poll(&mut chat);
    chat.input(response("$y", YANN, &["1"], 1));
    chat.input(response("$c", CAMILLE, &["2"], 2));
    let mut poll = chat.state.assembly.polls[&1].clone();
    poll.closed_at = Some(start() + chrono::Duration::seconds(5));
    poll.published = true;
    chat.state.assembly.apply(&Change::Poll(poll));
    let before = voters(&mut chat);
    assert!(before.contains("(2 votants)"), "{before}");
    forget(&mut chat, YANN);
    forget(&mut chat, CAMILLE);
    assert_eq!(voters(&mut chat), before);
    assert_eq!(chat.state.assembly.polls[&1].author, None);
    assert!(chat.state.assembly.votes.is_empty());
}

#[test]
fn forgetting_says_what_becomes_of_votes_under_way() {
    let mut chat = Chat::new();
    open_poll(&mut chat);
    chat.input(response("$y", YANN, &["1"], 1));
    expect_test::expect![[r#"
        [privé] J'effacerai tout ce que je garde sur vous (1 élément : inscriptions, profil…). Ce qui appartient à l'histoire du groupe reste, sans votre nom : les résultats des sondages clos, par exemple.
        Vos votes aux sondages encore ouverts seront retirés : ils ne compteront plus, et vous pourrez revoter si vous le souhaitez.
        Pour confirmer, tapez : !oublier confirmer"#]]
    .assert_eq(&chat.say(DIRECT, YANN, "!oublier"));
    assert!(
        voters(&mut chat).contains("(1 votant)"),
        "not yet confirmed"
    );
}

#[test]
fn a_repeat_every_twenty_million_weeks_is_refused_with_the_limit() {
    let mut chat = Chat::new();
    expect_test::expect![[r#"
        > [santé] @camille:example.org : !reunion demain 18h --chaque 20000000 semaines
        [santé] Une réunion se répète au plus rarement une fois par an : --chaque 52 semaines ou --chaque 12 mois au maximum.
        Utilisation : !reunion <quand> | <lieu> | <sujet> (--prive : pas sur l'agenda public)
        Exemple : !reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique
        > [santé] @camille:example.org : !reunion demain 18h --chaque 99999999999999999999 mois
        [santé] Une réunion se répète au plus rarement une fois par an : --chaque 52 semaines ou --chaque 12 mois au maximum.
        Utilisation : !reunion <quand> | <lieu> | <sujet> (--prive : pas sur l'agenda public)
        Exemple : !reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique
        > [santé] @camille:example.org : !reunion demain 18h --rappels 400j
        [santé] Un rappel part au plus 31 jours avant la réunion (par exemple --rappels 7j,1h).
        Utilisation : !reunion <quand> | <lieu> | <sujet> (--prive : pas sur l'agenda public)
        Exemple : !reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique
        > [santé] @camille:example.org : !reunion demain 18h --rappels 1h,2h,3h,4h,5h,6h
        [santé] 5 rappels au plus par réunion (par exemple --rappels 2j,1h).
        Utilisation : !reunion <quand> | <lieu> | <sujet> (--prive : pas sur l'agenda public)
        Exemple : !reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique"#]]
    .assert_eq(&chat.script(&[
        (ROOM, CAMILLE, "!reunion demain 18h --chaque 20000000 semaines"),
        (
            ROOM,
            CAMILLE,
            "!reunion demain 18h --chaque 99999999999999999999 mois",
        ),
        (ROOM, CAMILLE, "!reunion demain 18h --rappels 400j"),
        (ROOM, CAMILLE, "!reunion demain 18h --rappels 1h,2h,3h,4h,5h,6h"),
    ]));
    assert!(chat.state.assembly.meetings.is_empty());
}

#[test]
fn a_yearly_series_goes_on_to_its_next_occurrence() {
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!reunion demain 18h --chaque 12 mois");
    chat.say(ROOM, CAMILLE, "!reunion demain 19h --chaque 52 semaines");
    for number in [1, 2] {
        let meeting = chat.state.assembly.meetings[&number].clone();
        chat.now = meeting.starts_at;
        chat.input(Input::Timer {
            purpose: TimerPurpose::NextOccurrence {
                meeting: number,
                start: meeting.starts_at.timestamp(),
            },
        });
        let next = &chat.state.assembly.meetings[&number];
        assert_eq!(next.occurrence, 1);
        let gap = next.starts_at - meeting.starts_at;
        assert!(
            (364..=366).contains(&gap.num_days()),
            "{number}: {}",
            gap.num_days()
        );
    }
}

#[test]
fn a_series_stored_with_an_absurd_repeat_ends_instead_of_panicking() {
    // Written by a version that accepted any repeat.
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!reunion demain 18h --chaque semaine");
    let mut meeting = chat.state.assembly.meetings[&1].clone();
    meeting.recurrence = Some(assembly::Recurrence::Weeks(20_000_000));
    chat.state.assembly.apply(&Change::Meeting(meeting.clone()));
    chat.now = meeting.starts_at;
    let outcome = handle(
        &Input::Timer {
            purpose: TimerPurpose::NextOccurrence {
                meeting: 1,
                start: meeting.starts_at.timestamp(),
            },
        },
        &chat.state,
        chat.now,
    );
    assert!(outcome.is_empty(), "{outcome:?}");
}

#[test]
fn help_about_fifteen_thousand_angle_brackets_gets_a_short_answer() {
    let chat = Chat::new();
    let body = format!("!aide {}", "<".repeat(15_000));
    let outcome = handle(
        &Input::Message(message(ROOM, CAMILLE, &body)),
        &chat.state,
        chat.now,
    );
    assert_eq!(outcome.messages.len(), 1);
    let size = serde_json::to_string(&outcome.messages[0].content())
        .unwrap()
        .len();
    assert!(size < 2_000, "{size} bytes");
    expect_test::expect![[r#"
        C'est trop long pour !aide : 4000 caractères au plus. Raccourcissez, ou découpez en plusieurs messages.
        Utilisation : !aide [commande]
        Exemple : !aide sondage"#]]
    .assert_eq(&outcome.messages[0].text.body);
}

#[test]
fn an_unknown_word_of_any_length_is_echoed_short() {
    let mut chat = Chat::new();
    let typed = format!("!{}", "x".repeat(3_000));
    let reply = chat.say(ROOM, CAMILLE, &typed);
    assert!(reply.chars().count() < 200, "{reply}");
    let topic = format!("!aide {}", "é".repeat(300));
    let reply = chat.say(ROOM, CAMILLE, &topic);
    assert!(reply.chars().count() < 200, "{reply}");
}

#[test]
fn a_poll_option_longer_than_a_field_is_refused() {
    let mut chat = Chat::new();
    let body = format!("!sondage Q ? | {} | B", "a".repeat(600));
    let reply = chat.say(ROOM, CAMILLE, &body);
    assert!(reply.contains("500 caractères au plus chacun"), "{reply}");
    assert!(chat.state.assembly.polls.is_empty());
    // The same in a direct chat, for a field report's text: 4,000 at most.
    let mut direct = message(DIRECT, CAMILLE, &format!("!remontee {}", "b".repeat(4_500)));
    direct.is_direct = true;
    direct.sent_encrypted = true;
    let reply = chat.say_with(direct);
    assert!(reply.contains("4000 caractères au plus"), "{reply}");
}

#[test]
fn a_poll_too_large_for_one_event_is_refused_before_anything_is_sent() {
    let mut chat = Chat::new();
    // Within the line's limit, but control characters take six bytes each
    // in JSON, twice (the options and the text fallback).
    let options: Vec<String> = (0..8).map(|_| "\u{1}".repeat(480)).collect();
    let body = format!("!sondage Q ? | {}", options.join(" | "));
    assert!(body.chars().count() < limits::TEXT_MAX_CHARS);
    let reply = chat.say(ROOM, CAMILLE, &body);
    assert!(reply.contains("Ce sondage est trop long"), "{reply}");
    assert!(chat.state.assembly.polls.is_empty());
}

/// `message` by `sender` in `room`, with a power level in this room and in
/// others (as the adapter reads them).
fn with_power(
    room: &str,
    sender: &str,
    body: &str,
    here: i64,
    elsewhere: &[(&str, i64)],
) -> IncomingMessage {
    let mut message = message(room, sender, body);
    message.power.users.insert(sender.to_owned(), here);
    message.power_elsewhere = elsewhere
        .iter()
        .map(|(room, level)| ((*room).to_owned(), *level))
        .collect();
    message
}

#[test]
fn a_theme_coordinator_cannot_cancel_or_move_the_general_assembly() {
    use super::tests::HUB;
    let mut chat = Chat::new();
    chat.say(HUB, ADMIN, "!ag samedi 14h | Salle des fêtes | Bilan");
    assert!(chat.state.assembly.meetings[&1].general);
    for body in ["!annuler 1", "!deplacer 1 dimanche 14h"] {
        let reply = chat.say_with(with_power(ROOM, YANN, body, 100, &[(HUB, 100)]));
        assert!(reply.contains("Seuls"), "{body}: {reply}");
    }
    assert!(!chat.state.assembly.meetings[&1].cancelled);
    let reply = chat.say(ROOM, ADMIN, "!annuler 1");
    assert!(reply.contains("annulée"), "{reply}");
}

#[test]
fn a_hub_moderator_cannot_manage_a_themes_meeting_unless_they_coordinate_it() {
    use super::tests::HUB;
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!reunion jeudi 18h | Local");
    // Moderator of the hub, plain member of the theme room.
    let refused = chat.say_with(with_power(HUB, YANN, "!annuler 1", 50, &[(ROOM, 0)]));
    assert!(refused.contains("Seuls"), "{refused}");
    // The theme room's power levels could not be read: refused too.
    let refused = chat.say_with(with_power(HUB, YANN, "!annuler 1", 50, &[]));
    assert!(refused.contains("Seuls"), "{refused}");
    assert!(!chat.state.assembly.meetings[&1].cancelled);
    // A coordinator of the theme may, from the hub.
    let done = chat.say_with(with_power(HUB, YANN, "!annuler 1", 0, &[(ROOM, 50)]));
    assert!(done.contains("annulée"), "{done}");
}

#[test]
fn polls_ballots_and_slots_are_closed_with_their_own_rooms_power() {
    let mut chat = Chat::new();
    open_poll(&mut chat);
    // Unreadable power levels fail closed, even for a moderator.
    let mut blind = message(ROOM, YANN, "!cloturer 1");
    blind.power = RoomPower::unknown();
    let refused = chat.say_with(blind);
    assert!(refused.contains("Seuls"), "{refused}");
    let done = chat.say_with(with_power(ROOM, YANN, "!cloturer 1", 50, &[]));
    assert!(done.contains("relit les votes"), "{done}");
}

#[test]
fn attendees_are_listed_only_in_the_meetings_own_room() {
    use super::tests::HUB;
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!reunion jeudi 18h | Local");
    chat.say(ROOM, YANN, "!participe 1");
    let elsewhere = chat.say(HUB, ADMIN, "!participants 1");
    assert!(elsewhere.contains("autre salon"), "{elsewhere}");
    assert!(!elsewhere.contains(YANN), "{elsewhere}");
    let here = chat.say(ROOM, CAMILLE, "!participants 1");
    assert!(here.contains(YANN), "{here}");
}

#[test]
fn the_agenda_file_in_a_direct_chat_holds_only_ones_own_groups() {
    use super::tests::{HOUSING, HUB};
    let mut chat = Chat::new();
    chat.say(HUB, ADMIN, "!ag samedi 14h | Salle des fêtes | Bilan");
    chat.say(
        ROOM,
        CAMILLE,
        "!reunion jeudi 18h | Local Santé --visio https://visio.example/sante",
    );
    chat.say(
        HOUSING,
        CAMILLE,
        "!reunion vendredi 18h | Local Logement --visio https://visio.example/logement",
    );
    chat.say(HUB, YANN, "!inscription sante");
    let mut direct = message(DIRECT, YANN, "!agenda ics");
    direct.is_direct = true;
    direct.sent_encrypted = true;
    let outcome = handle(&Input::Message(direct), &chat.state, chat.now);
    let calendar = outcome
        .actions
        .iter()
        .find_map(|action| match action {
            Action::SendFile { content, .. } => Some(content.clone()),
            _ => None,
        })
        .expect("a calendar");
    assert!(
        calendar.contains("Salle des f"),
        "the general assembly: {calendar}"
    );
    assert!(calendar.contains("Local Santé"), "Yann's group: {calendar}");
    assert!(
        !calendar.contains("Logement") && !calendar.contains("visio.example/logement"),
        "another group's place and link: {calendar}"
    );
}

#[test]
fn someone_from_anywhere_on_the_federation_is_told_how_to_join() {
    let mut chat = Chat::new();
    let stranger = "@inconnu:ailleurs.example";
    for body in [
        "!inscription sante",
        "!remontee Le bus ne passe plus",
        "!profil commune Brest",
    ] {
        let mut direct = message(DIRECT, stranger, body);
        direct.sender_in_assembly = false;
        let reply = chat.say_with(direct);
        assert!(
            reply.contains("Je ne vous trouve dans aucun salon"),
            "{body}: {reply}"
        );
    }
    assert!(format!("{:?}", chat.state.assembly) == format!("{:?}", Chat::new().state.assembly));
    // Their own data stays theirs to see and erase.
    let mut direct = message(DIRECT, stranger, "!mesdonnees");
    direct.sender_in_assembly = false;
    assert!(chat.say_with(direct).contains("Je ne garde rien sur vous"));
}

#[test]
fn one_person_cannot_open_polls_or_meetings_without_end() {
    let mut chat = Chat::new();
    for number in 0..limits::OPEN_PER_PERSON {
        let reply = chat.say(ROOM, CAMILLE, &format!("!sondage Q{number} ? | A | B"));
        assert!(reply.contains("Sondage #"), "{reply}");
    }
    let refused = chat.say(ROOM, CAMILLE, "!sondage Encore ? | A | B");
    assert!(refused.contains("c'est le maximum"), "{refused}");
    assert_eq!(chat.state.assembly.polls.len(), limits::OPEN_PER_PERSON);
    // Someone else still may; closing one makes room again.
    assert!(
        chat.say(ROOM, YANN, "!sondage Moi ? | A | B")
            .contains("Sondage #")
    );
    chat.say(ROOM, CAMILLE, "!cloturer 1");
    assert!(
        chat.say(ROOM, CAMILLE, "!sondage Encore ? | A | B")
            .contains("Sondage #")
    );
    // The same brake on meetings, slot polls and speakers.
    for number in 0..limits::OPEN_PER_PERSON {
        chat.say(
            ROOM,
            CAMILLE,
            &format!("!reunion jeudi 18h | Local {number}"),
        );
        chat.say(ROOM, CAMILLE, &format!("!intervenant Personne {number}"));
        chat.say(
            ROOM,
            CAMILLE,
            &format!("!creneaux Objet {number} | lundi 18h | mardi 18h"),
        );
    }
    for body in [
        "!reunion vendredi 18h | Encore",
        "!intervenant Encore",
        "!creneaux Encore | lundi 18h | mardi 18h",
    ] {
        let refused = chat.say(ROOM, CAMILLE, body);
        assert!(refused.contains("c'est le maximum"), "{body}: {refused}");
    }
}

#[test]
fn display_names_are_shown_cleaned_everywhere() {
    use super::tests::HUB;
    let mut chat = Chat::new();
    let mut sign_up = message(HUB, YANN, "!inscription sante");
    sign_up.sender_display_name = Some("Yann\n@room admin\u{202E}nimda\u{200B}".into());
    chat.say_with(sign_up);
    let members = chat.say(ROOM, CAMILLE, "!membres");
    assert!(
        members.contains("Yann @\u{2060}room adminnimda"),
        "{members}"
    );
    assert!(!members.contains('\u{202E}') && !members.contains('\u{200B}'));
    // Nothing of a name made of invisible characters: the user id instead.
    let mut blank = message(HUB, CAMILLE, "!inscription sante");
    blank.sender_display_name = Some("\u{200B}\u{202E}".into());
    chat.say_with(blank);
    let members = chat.say(ROOM, CAMILLE, "!membres");
    assert!(members.contains(CAMILLE), "{members}");
}

#[test]
fn a_team_members_data_includes_their_answers_and_status_changes() {
    use super::tests::DEPUTY;
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!remontee Le bus de 7h15 ne passe plus");
    chat.input(Input::Sent {
        tag: "report:1".into(),
        event_id: "$card".into(),
    });
    let team = "@equipe:example.org";
    chat.say(DEPUTY, team, "!repondre 1 Question écrite déposée");
    chat.say(DEPUTY, team, "!statut 1 traité");
    let mut direct = message(DIRECT, team, "!mesdonnees");
    direct.is_direct = true;
    direct.sent_encrypted = true;
    let data = chat.say_with(direct);
    assert!(
        data.contains("réponse de l'équipe à la remontée #1 : Question écrite déposée"),
        "{data}"
    );
    assert!(
        data.contains("statut de la remontée #1 mis à « traitée »"),
        "{data}"
    );
    forget(&mut chat, team);
    let stored = format!("{:?}", chat.state.assembly);
    assert!(!stored.contains(team), "{stored}");
}

#[test]
fn answers_to_a_report_from_a_direct_chat_do_not_go_there_once_its_author_is_erased() {
    use super::tests::DEPUTY;
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!remontee Le bus de 7h15 ne passe plus");
    // As if written in Camille's direct chat, through the guided flow.
    let mut report = chat.state.assembly.reports[&1].clone();
    report.room_id = DIRECT.into();
    report.event_id = "$in-dm".into();
    chat.state.assembly.apply(&Change::Report(report));
    forget(&mut chat, CAMILLE);
    let report = &chat.state.assembly.reports[&1];
    assert_eq!(
        report.room_id, ROOM,
        "the direct chat is Camille's: not kept"
    );
    assert_eq!(report.author, None);
    let answered = chat.say(
        DEPUTY,
        "@equipe:example.org",
        "!repondre 1 Merci, c'est noté",
    );
    assert!(!answered.contains("[privé]"), "{answered}");
    assert!(
        answered.contains("[santé] Réponse de l'équipe"),
        "{answered}"
    );
    assert!(!answered.contains("mentionne"), "{answered}");
}

#[test]
fn a_report_card_of_control_characters_still_fits_one_event() {
    let chat = Chat::new();
    // Six bytes each once in JSON, in the body and in the HTML.
    let body = format!("!remontee a{}", "\u{1}".repeat(3_900));
    let outcome = handle(
        &Input::Message(message(ROOM, CAMILLE, &body)),
        &chat.state,
        chat.now,
    );
    let card = outcome
        .actions
        .iter()
        .find_map(|action| match action {
            Action::SendEvent {
                content, report, ..
            } if report.as_deref() == Some("report:1") => Some(content.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{:?}", outcome.messages));
    assert!(render::content_size(&card) <= render::MESSAGE_BUDGET);
    assert!(card["body"].as_str().unwrap().ends_with('…'), "{card}");
}
