//! Transcripts of the core: an input, the state, and the reply it produces.
//! No server, no database: `handle` is a pure function.

use chrono::TimeZone;
use expect_test::{Expect, expect};

use super::polls;

use super::*;

pub(super) const ROOM: &str = "!theme:example.org";
pub(super) const HUB: &str = "!hub:example.org";
pub(super) const DEPUTY: &str = "!deputy:example.org";
pub(super) const ADMIN: &str = "@admin:example.org";
pub(super) const BOT: &str = "@boucle:example.org";
pub(super) const HOUSING: &str = "!logement:example.org";
pub(super) const DIRECT: &str = "!dm:example.org";

pub(super) fn settings(language: Language) -> Settings {
    Settings {
        bot_user_id: BOT.into(),
        prefix: "!".into(),
        language,
        time_zone: chrono_tz::Europe::Paris,
        hub_room_id: Some(HUB.into()),
        deputy_room_id: Some(DEPUTY.into()),
        admins: vec![ADMIN.into()],
        themes: vec![
            ThemeSettings {
                slug: "sante".into(),
                name: "Santé".into(),
                room_id: Some(ROOM.into()),
            },
            ThemeSettings {
                slug: "logement".into(),
                name: "Logement".into(),
                room_id: Some(HOUSING.into()),
            },
        ],
        proposal_threshold: 3,
        meeting_reminders: vec![1440, 60],
        digest: DigestSchedule::default(),
        retention: Retention::default(),
    }
}

pub(super) fn message(room: &str, sender: &str, body: &str) -> IncomingMessage {
    IncomingMessage {
        power: RoomPower::default(),
        sender_in_assembly: true,
        is_direct: room == DIRECT,
        sent_encrypted: room == DIRECT,
        ..IncomingMessage::text("$command", room, sender, body)
    }
}

pub(super) fn now() -> DateTime<Utc> {
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
            !themes : les groupes de travail, leur salon et leur prochaine réunion
            !inscription : s'inscrire à un groupe de travail
            !desinscription : quitter un groupe de travail
            !membres : les membres de ce groupe et qui le coordonne
            !profil : ce que vous choisissez de partager : commune, collectif
            !inviter : inviter une personne ou une association dans ce salon
            !mesdonnees : voir tout ce que boucle garde sur vous
            !oublier : effacer ce que boucle garde sur vous
            !sondage : lancer un sondage : la question, puis une option par ligne
            !vote : voter à un sondage sans cliquer
            !cloturer : clore un sondage et publier les résultats
            !resultats : les résultats d'un sondage en cours
            !sondages : les sondages ouverts dans ce salon
            !scrutin : lancer un vote à bulletin secret
            !reunion : annoncer une réunion
            !annuler : annuler une réunion
            !deplacer : changer la date d'une réunion
            !participe : dire que vous venez à une réunion
            !absent : dire que vous ne venez pas
            !peutetre : dire que vous viendrez peut-être
            !participants : qui vient à une réunion
            !rappels : choisir où recevoir les rappels de réunion
            !agenda : les prochaines réunions
            !creneaux : trouver une date : proposer des créneaux
            !remontee : faire remonter un problème de terrain à l'équipe de la députée
            !intervenant : proposer un intervenant ou une association
            !intervenants : les intervenants proposés
            Tapez !aide suivi d'une commande pour le détail, par exemple « !aide sondage ».
            Sur un téléphone, le « | » entre les parties d'une commande peut se remplacer par « ; » ou par un retour à la ligne. Ou tapez !reunion, !sondage, !scrutin ou !creneaux seul : je pose les questions une à une."#]],
    );
}

#[test]
fn help_depends_on_the_room_and_the_person() {
    let mut coordinator = message(ROOM, "@yann:example.org", "!aide");
    coordinator
        .power
        .users
        .insert("@yann:example.org".into(), 50);
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
            Sur un téléphone, le « | » entre les parties d'une commande peut se remplacer par « ; » ou par un retour à la ligne. Ou tapez !reunion, !sondage, !scrutin ou !creneaux seul : je pose les questions une à une."#]],
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
            On a phone, the "|" between the parts of a command can be replaced by ";" or a new line. Or type !meeting, !poll, !ballot or !slots alone: I ask one question at a time."#]],
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

/// A conversation with the core: each line is handled against the state the
/// previous lines left, and the transcript shows what the bot says and does.
pub(super) struct Chat {
    pub(super) state: State,
    pub(super) now: DateTime<Utc>,
    counter: usize,
}

fn room_label(room: &str) -> &str {
    match room {
        ROOM => "santé",
        HOUSING => "logement",
        HUB => "hub",
        DEPUTY => "équipe",
        DIRECT => "privé",
        other => other,
    }
}

impl Chat {
    pub(super) fn new() -> Self {
        Chat {
            state: State::new(settings(Language::Fr)).unwrap(),
            now: now(),
            counter: 0,
        }
    }

    pub(super) fn apply(&mut self, outcome: &Outcome) -> String {
        for change in &outcome.changes {
            self.state.assembly.apply(change);
        }
        let mut lines = Vec::new();
        for message in &outcome.messages {
            let mentions = if message.mentions.is_empty() {
                String::new()
            } else {
                format!(" (mentionne {})", message.mentions.join(", "))
            };
            let rings = if message.rings { " (sonne)" } else { "" };
            lines.push(format!(
                "[{}]{rings}{mentions} {}",
                room_label(&message.room_id),
                message.text.body
            ));
        }
        for action in &outcome.actions {
            lines.push(match action {
                Action::Invite { room_id, user_id } => {
                    format!("→ invite {user_id} dans {}", room_label(room_id))
                }
                Action::CreateThemeRoom { slug, name, .. } => {
                    format!("→ crée le salon {name} ({slug})")
                }
                Action::SendFile {
                    room_id, file_name, ..
                } => format!("→ envoie {file_name} dans {}", room_label(room_id)),
                Action::DirectFile {
                    user_id, file_name, ..
                } => format!("→ envoie {file_name} en privé à {user_id}"),
                Action::SendEvent {
                    room_id,
                    event_type,
                    content,
                    ..
                } if event_type == "m.reaction" => format!(
                    "→ réagit {} à {} dans {}",
                    content["m.relates_to"]["key"].as_str().unwrap_or_default(),
                    content["m.relates_to"]["event_id"]
                        .as_str()
                        .unwrap_or_default(),
                    room_label(room_id)
                ),
                Action::SendEvent {
                    room_id,
                    event_type,
                    report,
                    ..
                } => format!(
                    "→ envoie {event_type} dans {}{}",
                    room_label(room_id),
                    report
                        .as_ref()
                        .map(|tag| format!(" (signaler {tag})"))
                        .unwrap_or_default()
                ),
                Action::FinishPoll { number, .. } => {
                    format!("→ relit les votes du sondage #{number}")
                }
                Action::DirectMessage {
                    user_id,
                    text,
                    rings,
                } => {
                    let rings = if *rings { " (sonne)" } else { "" };
                    format!("→ écrit en privé à {user_id}{rings} : {}", text.body)
                }
                Action::FreezeElectorate { room_id, number } => {
                    format!(
                        "→ liste les membres de {} pour le scrutin #{number}",
                        room_label(room_id)
                    )
                }
                Action::Redact { room_id, event_id } => {
                    format!("→ efface {event_id} dans {}", room_label(room_id))
                }
            });
        }
        lines.join("\n")
    }

    /// `sender` says `body` in `room`, with power levels `power`.
    pub(super) fn say_with(&mut self, mut message: IncomingMessage) -> String {
        self.counter += 1;
        message.event_id = format!("$e{}", self.counter);
        let outcome = handle(&Input::Message(message), &self.state, self.now);
        self.apply(&outcome)
    }

    pub(super) fn say(&mut self, room: &str, sender: &str, body: &str) -> String {
        self.say_with(message(room, sender, body))
    }

    /// Several lines, each followed by what the bot answered.
    pub(super) fn script(&mut self, lines: &[(&str, &str, &str)]) -> String {
        let mut transcript = Vec::new();
        for (room, sender, body) in lines {
            transcript.push(format!("> [{}] {sender} : {body}", room_label(room)));
            transcript.push(self.say(room, sender, body));
        }
        transcript.join("\n")
    }

    pub(super) fn input(&mut self, input: Input) -> String {
        let outcome = handle(&input, &self.state, self.now);
        self.apply(&outcome)
    }
}

pub(super) const CAMILLE: &str = "@camille:example.org";
pub(super) const YANN: &str = "@yann:example.org";

#[test]
fn signing_up_from_the_hub_invites_and_in_the_room_does_not() {
    let mut chat = Chat::new();
    expect![[r#"
        > [hub] @camille:example.org : !inscription sante
        [hub] C'est noté : vous êtes inscrit·e au groupe Santé (https://matrix.to/#/!theme:example.org?via=example.org). Je vous invite dans son salon : acceptez l'invitation pour y entrer.
        → invite @camille:example.org dans santé
        > [hub] @camille:example.org : !inscription Santé
        [hub] Vous êtes déjà inscrit·e au groupe Santé (https://matrix.to/#/!theme:example.org?via=example.org). Je vous invite à nouveau dans son salon, au cas où.
        → invite @camille:example.org dans santé
        > [logement] @yann:example.org : !join
        [logement] C'est noté : vous êtes inscrit·e au groupe Logement. Bienvenue !
        > [logement] @yann:example.org : !inscription
        [logement] Vous êtes déjà inscrit·e au groupe Logement. Merci !
        > [privé] @yann:example.org : !inscription loge
        [privé] Vous êtes déjà inscrit·e au groupe Logement (https://matrix.to/#/!logement:example.org?via=example.org). Je vous invite à nouveau dans son salon, au cas où.
        → invite @yann:example.org dans logement
        > [hub] @camille:example.org : !inscription santé et sport
        [hub] Je ne connais pas de thème « santé et sport ».
        Thèmes : sante, logement
        > [hub] @camille:example.org : !inscription logemnt
        [hub] Je ne connais pas de thème « logemnt ».
        Vouliez-vous dire Logement (logement) ?
        Thèmes : sante, logement
        > [hub] @camille:example.org : !inscription
        [hub] À quel groupe voulez-vous vous inscrire ? Tapez !inscription suivi du thème.
        Thèmes : sante, logement
        > [équipe] @camille:example.org : !inscription sante
        [équipe] !inscription ne sert pas dans ce salon. Tapez !aide pour voir ce qui marche ici."#]]
    .assert_eq(&chat.script(&[
        (HUB, CAMILLE, "!inscription sante"),
        (HUB, CAMILLE, "!inscription Santé"),
        (HOUSING, YANN, "!join"),
        (HOUSING, YANN, "!inscription"),
        (DIRECT, YANN, "!inscription loge"),
        (HUB, CAMILLE, "!inscription santé et sport"),
        (HUB, CAMILLE, "!inscription logemnt"),
        (HUB, CAMILLE, "!inscription"),
        (DEPUTY, CAMILLE, "!inscription sante"),
    ]));
}

#[test]
fn themes_members_profiles_and_leaving() {
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!inscription");
    let mut named = message(ROOM, YANN, "!inscription");
    named.sender_display_name = Some("Yann <Le Goff>".into());
    chat.say_with(named);
    expect![[r#"
        > [santé] @camille:example.org : !profil
        [santé] Vous n'avez rien partagé. C'est facultatif : vous pouvez indiquer votre commune (!profil commune Lannion) ou votre association ou collectif (!profil collectif <nom>).
        > [santé] @camille:example.org : !profil commune Lannion
        [santé] C'est noté : commune Lannion.
        Les membres de vos groupes le voient avec !membres. Pour l'effacer : !profil effacer
        > [santé] @camille:example.org : !profil collectif Eau Pure 22
        [santé] C'est noté : collectif Eau Pure 22.
        Les membres de vos groupes le voient avec !membres. Pour l'effacer : !profil effacer
        > [santé] @camille:example.org : !profil
        [santé] Votre profil : commune Lannion, collectif Eau Pure 22. Pour le changer : !profil commune <ville> ou !profil collectif <nom> ; pour l'effacer : !profil effacer
        > [santé] @camille:example.org : !membres
        [santé] Groupe Santé : 2 membres
        • @camille:example.org (Lannion, Eau Pure 22)
        • Yann <Le Goff>
        > [hub] @camille:example.org : !themes
        [hub] Les 2 groupes de travail
        Santé (https://matrix.to/#/!theme:example.org?via=example.org) (sante) : 2 membres, dont vous
        Logement (https://matrix.to/#/!logement:example.org?via=example.org) (logement) : personne d'inscrit pour l'instant
        Pour rejoindre un groupe : !inscription <thème>, par exemple « !inscription logement ».
        > [santé] @yann:example.org : !desinscription
        [santé] C'est noté : vous n'êtes plus inscrit·e au groupe Santé. Vous pouvez rester dans le salon ou le quitter, comme vous voulez.
        > [santé] @yann:example.org : !leave sante
        [santé] Vous n'êtes pas inscrit·e au groupe Santé : rien à faire.
        > [santé] @camille:example.org : !profil effacer
        [santé] Votre profil est effacé.
        > [santé] @camille:example.org : !membres
        [santé] Groupe Santé : 1 membre
        • @camille:example.org
        > [santé] @camille:example.org : !profil age 40
        [santé] Je ne comprends pas ce que !profil doit faire.
        Utilisation : !profil commune <ville> | !profil collectif <nom> | !profil
        Exemple : !profil commune Lannion"#]]
    .assert_eq(&chat.script(&[
        (ROOM, CAMILLE, "!profil"),
        (ROOM, CAMILLE, "!profil commune Lannion"),
        (ROOM, CAMILLE, "!profil collectif Eau Pure 22"),
        (ROOM, CAMILLE, "!profil"),
        (ROOM, CAMILLE, "!membres"),
        (HUB, CAMILLE, "!themes"),
        (ROOM, YANN, "!desinscription"),
        (ROOM, YANN, "!leave sante"),
        (ROOM, CAMILLE, "!profil effacer"),
        (ROOM, CAMILLE, "!membres"),
        (ROOM, CAMILLE, "!profil age 40"),
    ]));
    // The member list links each name, escaped.
    let outcome = handle(
        &Input::Message(message(ROOM, CAMILLE, "!membres")),
        &chat.state,
        now(),
    );
    assert!(
        outcome.messages[0].text.html.contains(
            r#"<a href="https://matrix.to/#/@camille:example.org">@camille:example.org</a>"#
        ),
        "{}",
        outcome.messages[0].text.html
    );
}

#[test]
fn coordinators_are_named_by_coordinators_and_admins_only() {
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!inscription");
    let mut moderator = message(ROOM, YANN, "!coordination @camille:example.org");
    moderator.power.users.insert(YANN.into(), 50);
    let appointed = chat.say_with(moderator);
    expect![[r#"
        > [santé] @camille:example.org : !coordination @lou:example.org
        [santé] !coordination est réservée à la coordination du groupe et aux admins.
        > [santé] @camille:example.org : !membres
        [santé] Groupe Santé : 1 membre
        • @camille:example.org, coordination
        > [santé] @camille:example.org : !coordination @lou:example.org
        [santé] @lou:example.org coordonne désormais le groupe Santé.
        > [santé] @admin:example.org : !coordination retirer @camille:example.org
        [santé] @camille:example.org ne coordonne plus le groupe Santé.
        > [santé] @camille:example.org : !coordination @lou:example.org
        [santé] !coordination est réservée à la coordination du groupe et aux admins.
        > [santé] @admin:example.org : !coordination lou
        [santé] !coordination attend l'identifiant Matrix d'une personne, qui commence par @ et contient « : » (par exemple @camille:exemple.fr).
        Utilisation : !coordination @personne
        Exemple : !coordination @camille:exemple.fr"#]]
    .assert_eq(&format!(
        "{}\n{}",
        {
            // Before being named, Camille may not name anyone.
            let mut fresh = Chat::new();
            fresh.script(&[(ROOM, CAMILLE, "!coordination @lou:example.org")])
        },
        chat.script(&[
            (ROOM, CAMILLE, "!membres"),
            (ROOM, CAMILLE, "!coordination @lou:example.org"),
            (ROOM, ADMIN, "!coordination retirer @camille:example.org"),
            (ROOM, CAMILLE, "!coordination @lou:example.org"),
            (ROOM, ADMIN, "!coordination lou"),
        ])
    ));
    assert_eq!(
        appointed,
        "[santé] @camille:example.org coordonne désormais le groupe Santé."
    );
}

#[test]
fn inviting_needs_the_power_to_invite_oneself() {
    let mut chat = Chat::new();
    let with_levels = |sender: &str, sender_level: i64, bot_level: i64| {
        let mut input = message(ROOM, sender, "!inviter @asso-eau:example.org");
        input.power.invite = 50;
        input.power.users.insert(sender.into(), sender_level);
        input.power.users.insert(BOT.into(), bot_level);
        input
    };
    expect![[r#"
        [santé] Dans ce salon, inviter demande le niveau 50 et vous avez le niveau 0 : je ne peux pas inviter à votre place. Demandez à la coordination du groupe.
        [santé] J'invite @asso-eau:example.org dans ce salon.
        → invite @asso-eau:example.org dans santé
        [santé] J'invite @asso-eau:example.org dans ce salon.
        → invite @asso-eau:example.org dans santé
        [santé] Je n'ai pas le droit d'inviter dans ce salon (il faut le niveau 50). Un·e admin du salon peut me le donner."#]]
    .assert_eq(
        &[
            chat.say_with(with_levels(CAMILLE, 0, 100)),
            chat.say_with(with_levels(YANN, 50, 100)),
            // A room creator of room version 12 (the adapter gives i64::MAX).
            chat.say_with(with_levels("@creator:example.org", i64::MAX, 100)),
            chat.say_with(with_levels(YANN, 50, 0)),
        ]
        .join("\n"),
    );
}

#[test]
fn a_theme_proposed_and_supported_three_times_is_created_then_archived() {
    let mut chat = Chat::new();
    let proposed = chat.script(&[
        (HUB, CAMILLE, "!theme proposer Transports et mobilité"),
        (HUB, YANN, "!theme proposer transports-et-mobilite"),
        (HUB, YANN, "!soutenir 1"),
        (HUB, YANN, "!soutenir 1"),
        (HUB, YANN, "!soutenir 7"),
        (HUB, "@lou:example.org", "!support #1"),
        (HUB, "@lou:example.org", "!inscription transports"),
        (HUB, YANN, "!theme creer Culture"),
        (HUB, YANN, "!theme proposer Santé"),
        (HUB, YANN, "!theme proposer !"),
    ]);
    expect![[r#"
        > [hub] @camille:example.org : !theme proposer Transports et mobilité
        [hub] Proposition #1 : « Transports et mobilité ». Pour la soutenir : !soutenir 1. Le thème sera créé à 3 soutiens (1 pour l'instant).
        > [hub] @yann:example.org : !theme proposer transports-et-mobilite
        [hub] Ce thème est déjà proposé (proposition #1, « Transports et mobilité ») : pour le soutenir, !soutenir 1
        > [hub] @yann:example.org : !soutenir 1
        → réagit ✅ à $e3 dans hub
        > [hub] @yann:example.org : !soutenir 1
        [hub] Vous soutenez déjà la proposition #1 (2 soutiens pour l'instant).
        > [hub] @yann:example.org : !soutenir 7
        [hub] Il n'y a pas de proposition #7.
        Propositions ouvertes : #1 Transports et mobilité
        > [hub] @lou:example.org : !support #1
        [hub] Le thème Transports et mobilité est créé : je prépare son salon et j'y invite les personnes qui l'ont soutenu.
        → crée le salon Transports et mobilité (transports-et-mobilite)
        > [hub] @lou:example.org : !inscription transports
        [hub] Le salon du groupe Transports et mobilité est en cours de création : réessayez dans un instant.
        > [hub] @yann:example.org : !theme creer Culture
        [hub] Seul·e un·e admin peut créer un thème directement. Proposez-le, et il sera créé avec assez de soutiens : !theme proposer Culture
        > [hub] @yann:example.org : !theme proposer Santé
        [hub] Le thème Santé existe déjà : pour le rejoindre, !inscription sante
        > [hub] @yann:example.org : !theme proposer !
        [hub] Ce nom de thème est trop court : donnez au moins deux lettres, par exemple « !theme proposer Transports »."#]]
    .assert_eq(&proposed);
    let ready = chat.input(Input::RoomReady {
        slug: "transports-et-mobilite".into(),
        room_id: "!transports:example.org".into(),
    });
    expect![[r#"
        [hub] Le groupe Transports et mobilité (https://matrix.to/#/!transports:example.org?via=example.org) a son salon. Pour le rejoindre : !inscription transports-et-mobilite
        → invite @camille:example.org dans !transports:example.org
        → invite @yann:example.org dans !transports:example.org
        → invite @lou:example.org dans !transports:example.org"#]]
    .assert_eq(&ready);
    // A second notice of the same room changes nothing.
    assert_eq!(
        chat.input(Input::RoomReady {
            slug: "transports-et-mobilite".into(),
            room_id: "!transports:example.org".into(),
        }),
        ""
    );
    assert_eq!(
        chat.state.space_children(),
        vec![HUB, ROOM, HOUSING, "!transports:example.org"]
    );
    assert_eq!(
        chat.state
            .assembly
            .members_of("transports-et-mobilite")
            .len(),
        3,
        "the supporters are signed up"
    );
    let archived = chat.script(&[
        (HUB, YANN, "!theme archiver transports"),
        (HUB, ADMIN, "!theme archiver transports"),
        (HUB, ADMIN, "!theme archive transports"),
        (HUB, CAMILLE, "!inscription transports"),
        (HUB, ADMIN, "!theme reactiver transports-et-mobilite"),
        (HUB, ADMIN, "!theme creer Culture"),
    ]);
    expect![[r#"
        > [hub] @yann:example.org : !theme archiver transports
        [hub] Seul·e un·e admin peut archiver ou réactiver un thème.
        > [hub] @admin:example.org : !theme archiver transports
        [hub] Le groupe Transports et mobilité est mis en sommeil : son salon quitte l'espace de l'assemblée. Rien n'est effacé ; pour le réactiver : !theme reactiver transports-et-mobilite
        [!transports:example.org] Le groupe Transports et mobilité est mis en sommeil par l'assemblée. Ses 3 membres inscrits et ses données sont conservés. Un·e admin peut le réactiver.
        > [hub] @admin:example.org : !theme archive transports
        [hub] Le groupe Transports et mobilité est déjà en sommeil.
        > [hub] @camille:example.org : !inscription transports
        [hub] Le groupe Transports et mobilité est en sommeil. Un·e admin peut le réactiver : !theme reactiver transports-et-mobilite
        > [hub] @admin:example.org : !theme reactiver transports-et-mobilite
        [hub] Le groupe Transports et mobilité est de nouveau actif et revient dans l'espace de l'assemblée.
        [!transports:example.org] Le groupe Transports et mobilité est de nouveau actif. Bon retour !
        > [hub] @admin:example.org : !theme creer Culture
        [hub] Le thème Culture est créé : je prépare son salon et j'y invite les personnes qui l'ont soutenu.
        → crée le salon Culture (culture)"#]]
    .assert_eq(&archived);
}

#[test]
fn archiving_takes_the_room_out_of_the_space_and_keeps_the_data() {
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!inscription");
    chat.say(HUB, ADMIN, "!theme archiver sante");
    assert_eq!(chat.state.space_children(), vec![HUB, HOUSING]);
    assert_eq!(chat.state.dormant_rooms(), vec![ROOM]);
    assert!(chat.state.assembly.membership("sante", CAMILLE).is_some());
    assert!(
        chat.say(HUB, CAMILLE, "!themes")
            .contains("En sommeil : Santé")
    );
}

#[test]
fn a_newcomer_is_welcomed_once_per_room() {
    let mut chat = Chat::new();
    let joined = |room: &str, user: &str, event: &str| {
        Input::Joined(Joined {
            event_id: event.into(),
            room_id: room.into(),
            user_id: user.into(),
            display_name: Some("Lou".into()),
        })
    };
    expect![[r#"
        [santé] (mentionne @lou:example.org) Bienvenue Lou dans le groupe Santé !
        Tapez !inscription pour rejoindre le groupe et !aide pour voir ce que je sais faire."#]]
    .assert_eq(&chat.input(joined(ROOM, "@lou:example.org", "$j1")));
    assert_eq!(chat.input(joined(ROOM, "@lou:example.org", "$j2")), "");
    assert_eq!(chat.input(joined(HUB, "@lou:example.org", "$j3")), "");
    assert_eq!(chat.input(joined(ROOM, BOT, "$j4")), "");
    chat.say(HUB, CAMILLE, "!inscription logement");
    expect![[r#"
        [logement] (mentionne @camille:example.org) Bienvenue Lou dans le groupe Logement !
        Vous êtes inscrit·e au groupe. Tapez !aide pour voir ce que je sais faire."#]]
    .assert_eq(&chat.input(joined(HOUSING, CAMILLE, "$j5")));
}

#[test]
fn my_data_is_shown_in_a_direct_chat_only_and_forgetting_erases_it() {
    let mut chat = Chat::new();
    chat.say(HUB, CAMILLE, "!inscription sante");
    chat.say(ROOM, CAMILLE, "!profil commune Lannion");
    chat.say(HUB, CAMILLE, "!theme proposer Eau");
    chat.say(HUB, YANN, "!soutenir 1");
    chat.input(Input::Joined(Joined {
        event_id: "$j".into(),
        room_id: ROOM.into(),
        user_id: CAMILLE.into(),
        display_name: None,
    }));
    let transcript = chat.script(&[
        (ROOM, CAMILLE, "!mesdonnees"),
        (DIRECT, CAMILLE, "!mesdonnees"),
        (DIRECT, CAMILLE, "!oublier"),
        (DIRECT, CAMILLE, "!oublier confirmer"),
        (DIRECT, CAMILLE, "!mesdonnees"),
        (DIRECT, CAMILLE, "!oublier"),
    ]);
    expect![[r#"
        > [santé] @camille:example.org : !mesdonnees
        [santé] Je vous écris en privé : vos données ne s'affichent que dans une discussion chiffrée entre vous et moi (@boucle:example.org).
        → écrit en privé à @camille:example.org (sonne) : Ce que je garde sur vous (4 éléments) :
        • inscription au groupe Santé depuis le 29/11/2026
        • profil : commune Lannion, collectif —
        • vous avez proposé le thème #1 « Eau »
        • accueil dans le salon Santé le 29/11/2026
        Le détail est dans le fichier joint. Pour tout effacer : !oublier
        → envoie mes-donnees-boucle.json en privé à @camille:example.org
        > [privé] @camille:example.org : !mesdonnees
        [privé] Ce que je garde sur vous (4 éléments) :
        • inscription au groupe Santé depuis le 29/11/2026
        • profil : commune Lannion, collectif —
        • vous avez proposé le thème #1 « Eau »
        • accueil dans le salon Santé le 29/11/2026
        Le détail est dans le fichier joint. Pour tout effacer : !oublier
        → envoie mes-donnees-boucle.json dans privé
        > [privé] @camille:example.org : !oublier
        [privé] J'effacerai tout ce que je garde sur vous (4 éléments : inscriptions, profil…). Ce qui appartient à l'histoire du groupe reste, sans votre nom : les résultats des sondages clos, par exemple.
        Pour confirmer, tapez : !oublier confirmer
        > [privé] @camille:example.org : !oublier confirmer
        [privé] C'est fait : 4 éléments vous concernant sont effacés. Vous pouvez vous réinscrire quand vous voulez.
        > [privé] @camille:example.org : !mesdonnees
        [privé] Je ne garde rien sur vous.
        > [privé] @camille:example.org : !oublier
        [privé] Je ne garde rien sur vous : il n'y a rien à effacer."#]]
    .assert_eq(&transcript);
    // The proposal stays, with Yann's support, without Camille.
    let proposal = &chat.state.assembly.proposals[&1];
    assert_eq!(proposal.proposer, None);
    assert_eq!(proposal.supporters, vec![YANN.to_owned()]);
    assert!(!format!("{:?}", chat.state.assembly).contains(CAMILLE));
}

#[test]
fn the_export_file_holds_the_same_records_as_json() {
    let mut chat = Chat::new();
    chat.say(HUB, CAMILLE, "!inscription sante");
    chat.say(ROOM, CAMILLE, "!profil collectif <Eau & Vie>");
    let document = privacy::export_document(&chat.state, CAMILLE, now());
    expect![[r#"
        {
          "exported_at": "2026-11-29T10:00:00Z",
          "format": "boucle personal data export",
          "records": [
            {
              "display_name": null,
              "joined_at": "2026-11-29T10:00:00Z",
              "left_at": null,
              "theme": "sante",
              "type": "membership"
            },
            {
              "collective": "<Eau & Vie>",
              "commune": null,
              "type": "profile",
              "updated_at": "2026-11-29T10:00:00Z"
            }
          ],
          "user_id": "@camille:example.org",
          "version": 1
        }"#]]
    .assert_eq(&serde_json::to_string_pretty(&document).unwrap());
}

#[test]
fn retention_closes_stale_proposals_and_forgets_their_supporters() {
    let mut chat = Chat::new();
    chat.now = now() - chrono::Duration::days(200);
    chat.say(HUB, CAMILLE, "!theme proposer Eau");
    chat.say(HUB, YANN, "!soutenir 1");
    chat.now = now() - chrono::Duration::days(10);
    chat.say(HUB, YANN, "!theme proposer Culture");
    chat.now = now();
    let outcome = handle(
        &Input::Timer {
            purpose: TimerPurpose::Retention,
        },
        &chat.state,
        now(),
    );
    chat.apply(&outcome);
    let stale = &chat.state.assembly.proposals[&1];
    assert_eq!(stale.status, assembly::ProposalStatus::Expired);
    assert!(stale.supporters.is_empty() && stale.proposer.is_none());
    assert_eq!(
        chat.state.assembly.proposals[&2].status,
        assembly::ProposalStatus::Open
    );
    expect![[r#"
        > [hub] @lou:example.org : !soutenir 1
        [hub] La proposition #1 « Eau » est close faute de soutiens à temps. Vous pouvez la proposer à nouveau : !theme proposer Eau
        > [hub] @lou:example.org : !theme proposer Eau
        [hub] Proposition #3 : « Eau ». Pour la soutenir : !soutenir 3. Le thème sera créé à 3 soutiens (1 pour l'instant)."#]]
    .assert_eq(&chat.script(&[
        (HUB, "@lou:example.org", "!soutenir 1"),
        (HUB, "@lou:example.org", "!theme proposer Eau"),
    ]));
}

#[test]
fn supporters_get_their_name_when_they_join_the_new_room() {
    let mut chat = Chat::new();
    chat.say(HUB, CAMILLE, "!theme proposer Eau");
    chat.say(HUB, YANN, "!soutenir 1");
    chat.say(HUB, "@lou:example.org", "!soutenir 1");
    chat.input(Input::RoomReady {
        slug: "eau".into(),
        room_id: "!eau:example.org".into(),
    });
    chat.input(Input::Joined(Joined {
        event_id: "$j".into(),
        room_id: "!eau:example.org".into(),
        user_id: YANN.into(),
        display_name: Some("Yann".into()),
    }));
    let members = chat.say("!eau:example.org", CAMILLE, "!membres");
    assert!(members.lines().any(|line| line == "• Yann"), "{members}");
    assert!(members.contains("• @camille:example.org"), "{members}");
}

#[test]
fn retention_erases_old_sign_ups_and_orphan_profiles_then_sets_the_next_run() {
    let mut chat = Chat::new();
    chat.now = now() - chrono::Duration::days(200);
    chat.say(ROOM, CAMILLE, "!inscription");
    chat.say(ROOM, CAMILLE, "!profil commune Lannion");
    chat.say(ROOM, CAMILLE, "!desinscription");
    chat.say(ROOM, YANN, "!inscription");
    chat.say(ROOM, YANN, "!profil commune Perros");
    for (user, event) in [(CAMILLE, "$j1"), (YANN, "$j2")] {
        chat.input(Input::Joined(Joined {
            event_id: event.into(),
            room_id: ROOM.into(),
            user_id: user.into(),
            display_name: None,
        }));
    }
    chat.now = now();
    let outcome = handle(
        &Input::Timer {
            purpose: TimerPurpose::Retention,
        },
        &chat.state,
        now(),
    );
    chat.apply(&outcome);
    assert!(chat.state.assembly.membership("sante", CAMILLE).is_none());
    assert!(!chat.state.assembly.profiles.contains_key(CAMILLE));
    assert!(chat.state.assembly.membership("sante", YANN).is_some());
    assert!(chat.state.assembly.profiles.contains_key(YANN));
    // Camille's welcome goes (she is no member any more), Yann's stays.
    let welcomed: Vec<&str> = chat
        .state
        .assembly
        .welcomes
        .keys()
        .map(|(_, user)| user.as_str())
        .collect();
    assert_eq!(welcomed, vec![YANN]);
    // 04:00 in Paris the next morning.
    assert_eq!(
        outcome.timers,
        vec![NewTimer {
            due: Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap(),
            purpose: TimerPurpose::Retention,
        }]
    );
}

pub(super) fn response(event: &str, sender: &str, answers: &[&str], second: u32) -> Input {
    Input::PollResponse(polls::PollResponse {
        event_id: event.into(),
        room_id: ROOM.into(),
        sender: sender.into(),
        start_event_id: "$poll1".into(),
        answers: answers.iter().map(|answer| (*answer).to_owned()).collect(),
        at: now() + chrono::Duration::seconds(i64::from(second)),
    })
}

#[test]
fn a_poll_is_created_voted_by_click_and_text_closed_and_published() {
    let mut chat = Chat::new();
    let created = chat.script(&[(
        ROOM,
        CAMILLE,
        "!sondage Quel thème pour la réunion publique ?\nSanté\nLogement\nÉnergie",
    )]);
    expect![[r#"
        > [santé] @camille:example.org : !sondage Quel thème pour la réunion publique ?
        Santé
        Logement
        Énergie
        [santé] Sondage #1 ouvert : votez en cliquant sur le sondage, ou tapez !vote 1 suivi de votre choix.
        → envoie org.matrix.msc3381.poll.start dans santé (signaler poll:1)"#]]
    .assert_eq(&created);
    // Clicks before the start event id is known cannot be matched: the
    // re-read at closing counts them.
    assert_eq!(chat.input(response("$early", YANN, &["1"], 1)), "");
    assert!(chat.state.assembly.votes.is_empty());
    chat.input(Input::Sent {
        tag: "poll:1".into(),
        event_id: "$poll1".into(),
    });
    chat.input(response("$v1", YANN, &["2"], 2));
    chat.input(response("$v2", "@lou:example.org", &["1"], 3));
    chat.now = now() + chrono::Duration::minutes(1);
    let transcript = chat.script(&[
        (ROOM, ADMIN, "!vote 1 logement"),
        (ROOM, "@zoe:example.org", "!vote 1 Cuisine"),
        (ROOM, "@zoe:example.org", "!vote 1 1, 2"),
        (ROOM, CAMILLE, "!resultats"),
        (ROOM, CAMILLE, "!sondages"),
        (ROOM, YANN, "!cloturer 1"),
        (ROOM, CAMILLE, "!cloturer"),
        (ROOM, CAMILLE, "!vote 1 Santé"),
    ]);
    expect![[r#"
        > [santé] @admin:example.org : !vote 1 logement
        → réagit ✅ à $e2 dans santé
        > [santé] @zoe:example.org : !vote 1 Cuisine
        [santé] « Cuisine » n'est pas une des options.
        Options : 1. Santé ; 2. Logement ; 3. Énergie
        > [santé] @zoe:example.org : !vote 1 1, 2
        [santé] Ce sondage permet 1 choix au plus.
        > [santé] @camille:example.org : !resultats
        [santé] Résultats provisoires du sondage #1 « Quel thème pour la réunion publique ? » (3 votants) :
        • Santé : 1 voix (33 %)
        • Logement : 2 voix (67 %)
        • Énergie : 0 voix (0 %)
        En tête : Logement
        > [santé] @camille:example.org : !sondages
        [santé] Le sondage ouvert ici
        #1 « Quel thème pour la réunion publique ? » : 3 votants
        > [santé] @yann:example.org : !cloturer 1
        [santé] Seuls la personne qui a lancé le sondage #1, la coordination et les admins peuvent le clore.
        > [santé] @camille:example.org : !cloturer
        [santé] Je clos le sondage #1 : je compte tous les votes et je publie les résultats.
        → relit les votes du sondage #1
        > [santé] @camille:example.org : !vote 1 Santé
        [santé] Le sondage #1 est clos. Tapez !resultats 1 pour voir ses résultats."#]]
    .assert_eq(&transcript);
    // A click after the end is not counted; the re-read brings the early
    // click and Yann's vote once more (counted once).
    chat.input(response("$late", "@max:example.org", &["3"], 3600));
    let published = chat.input(Input::PollClosing {
        number: 1,
        responses: vec![
            polls::PollResponse {
                event_id: "$early".into(),
                room_id: ROOM.into(),
                sender: "@early:example.org".into(),
                start_event_id: "$poll1".into(),
                answers: vec!["1".into()],
                at: now(),
            },
            polls::PollResponse {
                event_id: "$v1".into(),
                room_id: ROOM.into(),
                sender: YANN.into(),
                start_event_id: "$poll1".into(),
                answers: vec!["2".into()],
                at: now(),
            },
        ],
    });
    expect![[r#"
        [santé] Résultats du sondage #1 « Quel thème pour la réunion publique ? » (4 votants) :
        • Santé : 2 voix (50 %)
        • Logement : 2 voix (50 %)
        • Énergie : 0 voix (0 %)
        Égalité entre : Santé, Logement
        → envoie org.matrix.msc3381.poll.end dans santé"#]]
    .assert_eq(&published);
    // Published once: a second answer of the adapter changes nothing.
    assert_eq!(
        chat.input(Input::PollClosing {
            number: 1,
            responses: vec![]
        }),
        ""
    );
}

#[test]
fn poll_mistakes_get_a_helpful_answer() {
    let mut chat = Chat::new();
    expect![[r#"
        > [santé] @camille:example.org : !sondage Une seule option ? | Oui
        [santé] Un sondage a de 2 à 20 options, et j'en compte 1. Mettez une option par ligne (ou séparez-les par |).
        Utilisation : !sondage <question> puis une option par ligne (ou séparées par |), de 2 à 20 options ; --plusieurs N, --jusqu'au <date>, --resultats-caches
        Exemple : !sondage Quel thème pour la réunion publique ? | Santé | Logement | Énergie
        > [santé] @camille:example.org : !sondage Quand ? | Mardi | Jeudi --jusqu'au hier
        [santé] Je ne comprends pas la date « hier ».
        Par exemple : « demain 20h », « jeudi 18h30 », « le 3 décembre à 18h30 », « 3/12 18:30 » (jour/mois), « dans 2 semaines ».
        > [santé] @camille:example.org : !sondage Quand ? | Mardi | Jeudi --jusqu'au dans 999999999 jours
        [santé] La date « dans 999999999 jours » est trop lointaine : dix ans au plus.
        Par exemple : « demain 20h », « jeudi 18h30 », « le 3 décembre à 18h30 », « 3/12 18:30 » (jour/mois), « dans 2 semaines ».
        > [santé] @camille:example.org : !sondage Quand ? | Mardi | Jeudi --jusqu'au 28/11 18h
        [santé] La date « 28/11 18h » est déjà passée.
        Par exemple : « demain 20h », « jeudi 18h30 », « le 3 décembre à 18h30 », « 3/12 18:30 » (jour/mois), « dans 2 semaines ».
        > [santé] @camille:example.org : !vote 4 oui
        [santé] Il n'y a pas de sondage #4 dans ce salon. Tapez !sondages pour voir ceux qui sont ouverts.
        > [santé] @camille:example.org : !cloturer
        [santé] Il n'y a pas de sondage ouvert dans ce salon.
        > [santé] @camille:example.org : !sondages
        [santé] Aucun sondage ouvert dans ce salon. Pour en lancer un : !sondage <question> puis une option par ligne."#]]
    .assert_eq(&chat.script(&[
        (ROOM, CAMILLE, "!sondage Une seule option ? | Oui"),
        (ROOM, CAMILLE, "!sondage Quand ? | Mardi | Jeudi --jusqu'au hier"),
        (
            ROOM,
            CAMILLE,
            "!sondage Quand ? | Mardi | Jeudi --jusqu'au dans 999999999 jours",
        ),
        (ROOM, CAMILLE, "!sondage Quand ? | Mardi | Jeudi --jusqu'au 28/11 18h"),
        (ROOM, CAMILLE, "!vote 4 oui"),
        (ROOM, CAMILLE, "!cloturer"),
        (ROOM, CAMILLE, "!sondages"),
    ]));
}

#[test]
fn a_deadline_closes_the_poll_at_its_time_even_when_handled_late() {
    let mut chat = Chat::new();
    let created = chat.say(
        ROOM,
        CAMILLE,
        "!sondage --plusieurs 2 --jusqu'au jeudi 18h --résultats-cachés\nQuand ?\nMardi\nJeudi\nSamedi",
    );
    expect![[r#"
        [santé] Sondage #1 ouvert : votez en cliquant sur le sondage, ou tapez !vote 1 suivi de votre choix.
        Jusqu'à 2 choix par personne.
        Clôture automatique le jeudi 3 décembre 2026 à 18 h.
        Les résultats resteront cachés jusqu'à la clôture.
        → envoie org.matrix.msc3381.poll.start dans santé (signaler poll:1)"#]]
    .assert_eq(&created);
    let due = Utc.with_ymd_and_hms(2026, 12, 3, 17, 0, 0).unwrap();
    assert_eq!(chat.state.assembly.polls[&1].closes_at, Some(due));
    chat.input(Input::Sent {
        tag: "poll:1".into(),
        event_id: "$poll1".into(),
    });
    chat.input(response("$v1", YANN, &["1", "2"], 1));
    assert_eq!(
        chat.say(ROOM, CAMILLE, "!resultats 1"),
        "[santé] Les résultats du sondage #1 sont cachés jusqu'à sa clôture. 1 personne a voté."
    );
    // The bot was down at the deadline and handles it two hours late: the
    // poll ends at its deadline, so a vote cast after it does not count.
    let late = due + chrono::Duration::hours(2);
    chat.now = late;
    let closing = handle(
        &Input::Timer {
            purpose: TimerPurpose::ClosePoll(1),
        },
        &chat.state,
        late,
    );
    assert_eq!(chat.apply(&closing), "→ relit les votes du sondage #1");
    assert_eq!(chat.state.assembly.polls[&1].closed_at, Some(due));
    let after_deadline = polls::PollResponse {
        event_id: "$v2".into(),
        room_id: ROOM.into(),
        sender: "@lou:example.org".into(),
        start_event_id: "$poll1".into(),
        answers: vec!["3".into()],
        at: due + chrono::Duration::minutes(5),
    };
    let published = chat.input(Input::PollClosing {
        number: 1,
        responses: vec![after_deadline],
    });
    assert!(published.contains("(1 votant)"), "{published}");
    assert!(
        published.contains("Égalité entre : Mardi, Jeudi"),
        "{published}"
    );
    // A second firing of the same timer does nothing.
    let again = handle(
        &Input::Timer {
            purpose: TimerPurpose::ClosePoll(1),
        },
        &chat.state,
        late,
    );
    assert!(again.is_empty());
}

#[test]
fn a_secret_ballot_in_a_group_counts_without_knowing_who_chose_what() {
    let mut chat = Chat::new();
    for person in [CAMILLE, YANN, "@lou:example.org"] {
        chat.say(ROOM, person, "!inscription");
    }
    let opened = chat.script(&[(
        ROOM,
        CAMILLE,
        "!scrutin Qui nous représente à l'AG ? | Camille | Yann --quorum 3",
    )]);
    expect![[r#"
        > [santé] @camille:example.org : !scrutin Qui nous représente à l'AG ? | Camille | Yann --quorum 3
        [santé] Scrutin secret #1 ouvert pour les 3 membres inscrits du groupe.
        [santé] (sonne) Scrutin secret #1 : Qui nous représente à l'AG ?
        1. Camille
        2. Yann
        Pour voter, tapez ici « !voter 1 » : je vous écris en privé (ou écrivez-moi directement, @boucle:example.org : !voter 1 suivi de votre choix). Votre choix n'est jamais gardé avec votre nom. 3 personnes peuvent voter.
        Quorum : 3 bulletins."#]]
    .assert_eq(&opened);
    // `!voter 1` alone in the room: the ballot comes in private, nothing
    // to erase; in the direct chat, the same ballot to vote on.
    let asking = chat.script(&[
        (ROOM, "@lou:example.org", "!voter 1"),
        (DIRECT, "@lou:example.org", "!voter 1"),
        (ROOM, "@zoe:example.org", "!voter 1"),
        (ROOM, "@lou:example.org", "!voter 7"),
    ]);
    expect![[r#"
        > [santé] @lou:example.org : !voter 1
        [santé] Je vous écris en privé au sujet du scrutin #1 : c'est là qu'on vote, votre choix y reste secret.
        → écrit en privé à @lou:example.org (sonne) : Scrutin secret #1 : Qui nous représente à l'AG ?
        1. Camille
        2. Yann
        Votez ici : !voter 1 suivi du numéro de votre choix. Votre choix n'est jamais gardé avec votre nom, et j'efface votre message du serveur.
        > [privé] @lou:example.org : !voter 1
        [privé] Scrutin secret #1 : Qui nous représente à l'AG ?
        1. Camille
        2. Yann
        Votez ici : !voter 1 suivi du numéro de votre choix. Votre choix n'est jamais gardé avec votre nom, et j'efface votre message du serveur.
        > [santé] @zoe:example.org : !voter 1
        [santé] Je vous écris en privé au sujet du scrutin #1 : c'est là qu'on vote, votre choix y reste secret.
        → écrit en privé à @zoe:example.org : Vous ne pouvez pas ou plus voter au scrutin #1 : vous n'êtes pas sur la liste de ses électeurs, arrêtée à son ouverture, ou vous avez déjà voté.
        > [santé] @lou:example.org : !voter 7
        [santé] Il n'y a pas de scrutin #7."#]].assert_eq(&asking);
    let voting = chat.script(&[
        (ROOM, YANN, "!voter 1 Yann"),
        (DIRECT, YANN, "!voter 1 yann"),
        (DIRECT, YANN, "!voter 1 Camille"),
        (DIRECT, "@zoe:example.org", "!voter 1 Camille"),
        (DIRECT, CAMILLE, "!voter 1 Personne"),
        (DIRECT, CAMILLE, "!voter 1 2"),
        (DIRECT, CAMILLE, "!voter 9 2"),
        (ROOM, CAMILLE, "!resultats 1"),
        (ROOM, CAMILLE, "!sondages"),
    ]);
    expect![[r#"
        > [santé] @yann:example.org : !voter 1 Yann
        [santé] Vote non compté : tout le salon voit ce message. Je l'ai effacé. Je vous écris en privé, dans une discussion chiffrée avec moi (@boucle:example.org) : c'est là qu'on vote, votre choix y reste secret.
        → efface $e9 dans santé
        → écrit en privé à @yann:example.org (sonne) : Scrutin secret #1 : Qui nous représente à l'AG ?
        1. Camille
        2. Yann
        Votez ici : !voter 1 suivi du numéro de votre choix. Votre choix n'est jamais gardé avec votre nom, et j'efface votre message du serveur.
        > [privé] @yann:example.org : !voter 1 yann
        [privé] Votre bulletin est dans l'urne du scrutin #1. Il est secret : je ne garde pas votre choix avec votre nom, et j'efface votre message du serveur.
        → efface $e10 dans privé
        > [privé] @yann:example.org : !voter 1 Camille
        [privé] Vous avez déjà voté au scrutin #1. Un bulletin secret ne peut pas être changé.
        J'ai effacé votre message : il contenait un choix.
        → efface $e11 dans privé
        > [privé] @zoe:example.org : !voter 1 Camille
        [privé] Vous n'êtes pas sur la liste des électeurs du scrutin #1, arrêtée à son ouverture.
        J'ai effacé votre message : il contenait un choix.
        → efface $e12 dans privé
        > [privé] @camille:example.org : !voter 1 Personne
        [privé] Ce choix n'est pas une des réponses.
        Options : 1. Camille ; 2. Yann
        J'ai effacé votre message : il contenait un choix.
        → efface $e13 dans privé
        > [privé] @camille:example.org : !voter 1 2
        [privé] Votre bulletin est dans l'urne du scrutin #1. Il est secret : je ne garde pas votre choix avec votre nom, et j'efface votre message du serveur.
        → efface $e14 dans privé
        > [privé] @camille:example.org : !voter 9 2
        [privé] Il n'y a pas de scrutin #9.
        J'ai effacé votre message : il contenait un choix.
        → efface $e15 dans privé
        > [santé] @camille:example.org : !resultats 1
        [santé] Scrutin secret #1 : 2 bulletins sur 3 électeurs pour l'instant. Les résultats seront publiés à la clôture.
        > [santé] @camille:example.org : !sondages
        [santé] Le sondage ouvert ici
        #1 « Qui nous représente à l'AG ? » : scrutin secret, votez en message privé"#]]
    .assert_eq(&voting);
    // While open: the box holds counts and no name; the electors say who
    // voted and nothing of what.
    let ballot_box = format!("{:?}", chat.state.assembly.ballot_boxes);
    assert!(!ballot_box.contains('@'), "{ballot_box}");
    assert_eq!(chat.state.assembly.ballot_boxes[&1].counts, vec![0, 2]);
    let voted: Vec<&str> = chat
        .state
        .assembly
        .electors
        .iter()
        .filter(|(_, elector)| elector.voted)
        .map(|((_, user), _)| user.as_str())
        .collect();
    assert_eq!(voted, vec![CAMILLE, YANN]);
    let closed = chat.script(&[
        (DIRECT, "@lou:example.org", "!voter 1 2"),
        (ROOM, "@lou:example.org", "!cloturer"),
        (ROOM, CAMILLE, "!cloturer"),
        (DIRECT, "@lou:example.org", "!voter 1 Camille"),
    ]);
    expect![[r#"
        > [privé] @lou:example.org : !voter 1 2
        [privé] Votre bulletin est dans l'urne du scrutin #1. Il est secret : je ne garde pas votre choix avec votre nom, et j'efface votre message du serveur.
        → efface $e18 dans privé
        > [santé] @lou:example.org : !cloturer
        [santé] Seuls la personne qui a lancé le scrutin #1, la coordination et les admins peuvent le clore.
        > [santé] @camille:example.org : !cloturer
        [santé] Je clos le scrutin #1 et je publie les résultats.
        [santé] Résultats du scrutin secret #1 « Qui nous représente à l'AG ? » :
        • Camille : 0 voix (0 %)
        • Yann : 3 voix (100 %)
        Participation : 3 bulletins sur 3 électeurs (100 %).
        Quorum de 3 atteint.
        En tête : Yann
        > [privé] @lou:example.org : !voter 1 Camille
        [privé] Le scrutin #1 est clos.
        J'ai effacé votre message : il contenait un choix.
        → efface $e21 dans privé"#]]
    .assert_eq(&closed);
    // Closed: the ballot's stored data names nobody, let alone a choice.
    let stored = format!(
        "{:?} {:?} {:?}",
        chat.state.assembly.ballots[&1].answers,
        chat.state.assembly.ballot_boxes,
        chat.state.assembly.electors
    );
    for person in [CAMILLE, YANN, "@lou:example.org"] {
        assert!(!stored.contains(person), "{person} in {stored}");
    }
    assert!(chat.state.assembly.electors.is_empty());
}

/// Three members signed up in the theme room, and ballot #1 open to them.
fn ballot_of_three() -> Chat {
    let mut chat = Chat::new();
    for person in [CAMILLE, YANN, "@lou:example.org"] {
        chat.say(ROOM, person, "!inscription");
    }
    chat.say(ROOM, CAMILLE, "!scrutin Pour ou contre ? | Pour | Contre");
    chat
}

/// The ballots in ballot #1's box.
fn ballots_in(chat: &Chat) -> u64 {
    chat.state
        .assembly
        .ballot_boxes
        .get(&1)
        .map_or(0, |b| b.ballots)
}

/// Issue 18, part 1: a vote is counted only from a message that came
/// encrypted, and then erased where the bot may; a vote typed in the open
/// (a clear direct chat, a group room) is not counted, and erased too.
#[test]
fn a_vote_is_counted_only_encrypted_and_then_erased() {
    let mut chat = ballot_of_three();

    // In clear: refused, erased, not counted, the person still may vote.
    let clear = chat.say_with(IncomingMessage {
        sent_encrypted: false,
        ..message(DIRECT, YANN, "!voter 1 Pour")
    });
    assert!(clear.contains("Vote non compté"), "{clear}");
    assert!(clear.contains("J'ai effacé votre message"), "{clear}");
    assert!(clear.contains("→ efface $e"), "{clear}");
    assert_eq!(ballots_in(&chat), 0);
    // The bot may not redact there: it asks the person to delete it.
    let clear = chat.say_with(IncomingMessage {
        sent_encrypted: false,
        power: RoomPower {
            redact: 50,
            ..RoomPower::default()
        },
        ..message(DIRECT, YANN, "!voter 1 Pour")
    });
    assert!(clear.contains("Supprimez votre message"), "{clear}");
    assert!(!clear.contains("→ efface"), "{clear}");
    assert_eq!(ballots_in(&chat), 0);

    // In a group room: everyone sees it; erased, not counted.
    let open = chat.say(ROOM, "@lou:example.org", "!voter 1 Contre");
    assert!(open.contains("tout le salon voit ce message"), "{open}");
    assert!(
        open.contains("→ efface $e") && open.contains("dans santé"),
        "{open}"
    );
    assert_eq!(ballots_in(&chat), 0);

    // Encrypted: counted, then erased.
    let cast = chat.say(DIRECT, YANN, "!voter 1 Pour");
    assert!(cast.contains("j'efface votre message du serveur"), "{cast}");
    assert!(cast.contains("→ efface $e"), "{cast}");
    assert_eq!(ballots_in(&chat), 1);
    let erased = cast.split("→ efface ").nth(1).unwrap();
    let erased = erased.split(' ').next().unwrap().to_owned();
    // Encrypted, the bot without the power to redact: counted, and the
    // person is asked to delete their message.
    let cast = chat.say_with(IncomingMessage {
        sender: CAMILLE.into(),
        power: RoomPower {
            redact: 50,
            ..RoomPower::default()
        },
        ..message(DIRECT, CAMILLE, "!voter 1 Contre")
    });
    assert!(cast.contains("supprimez-le vous-même"), "{cast}");
    assert!(!cast.contains("→ efface"), "{cast}");
    assert_eq!(ballots_in(&chat), 2);

    // The redaction coming back from the homeserver changes nothing.
    let before = chat.state.assembly.clone();
    let echoed = chat.input(Input::Redaction {
        event_id: "$redaction".into(),
        room_id: DIRECT.into(),
        redacts: erased,
    });
    assert_eq!(echoed, "");
    assert_eq!(chat.state.assembly, before);
}

/// Issue 18, part 1: a `!voter` that is refused (a typo, a second vote, a
/// ballot closed, not understood) still says a choice, and an edit of a
/// `!voter` holds one too: each is erased, and no reply repeats the typed
/// text. An edit counts as a vote at most once.
#[test]
fn a_refused_or_edited_vote_is_erased_too() {
    let mut chat = ballot_of_three();

    // A typo: refused, erased, and the typo is not repeated.
    let typo = chat.say(DIRECT, YANN, "!voter 1 Contrre-secret");
    assert!(typo.contains("n'est pas une des réponses"), "{typo}");
    assert!(!typo.contains("Contrre-secret"), "{typo}");
    assert!(typo.contains("→ efface $e"), "{typo}");
    assert!(typo.contains("J'ai effacé votre message"), "{typo}");
    assert_eq!(ballots_in(&chat), 0);

    // Not understood at all ("!voter Pour", no number): erased.
    let unclear = chat.say(DIRECT, YANN, "!voter Pour");
    assert!(unclear.contains("→ efface $e"), "{unclear}");
    // A typo of the command: erased too.
    let typo = chat.say(DIRECT, YANN, "!votre 1 Pour");
    assert!(typo.contains("→ efface $e"), "{typo}");
    // `!vote`, the open polls' command, naming the ballot: a `!voter`.
    let open_poll_verb = chat.say(ROOM, YANN, "!vote 1 Pour");
    assert!(
        open_poll_verb.contains("tout le salon voit ce message"),
        "{open_poll_verb}"
    );
    assert!(open_poll_verb.contains("→ efface $e"), "{open_poll_verb}");
    assert_eq!(ballots_in(&chat), 0);
    // "!voter 1" alone holds no choice: it is answered, not erased.
    let asking = chat.say(DIRECT, YANN, "!voter 1");
    assert!(!asking.contains("→ efface"), "{asking}");

    // The typo corrected by an edit: counted, and the edit erased.
    let edit = |body: &str, sender: &str| IncomingMessage {
        is_edit: true,
        replaces: Some("$typo".into()),
        ..message(DIRECT, sender, body)
    };
    let corrected = chat.say_with(edit("!voter 1 Contre", YANN));
    assert!(
        corrected.contains("j'efface votre message du serveur"),
        "{corrected}"
    );
    assert!(corrected.contains("→ efface $e"), "{corrected}");
    // The original too, in a direct chat.
    assert!(corrected.contains("→ efface $typo"), "{corrected}");
    assert_eq!(ballots_in(&chat), 1);
    // Edited again: one person, one vote; refused, and erased.
    let again = chat.say_with(edit("!voter 1 Pour", YANN));
    assert!(again.contains("déjà voté"), "{again}");
    assert!(again.contains("→ efface $e"), "{again}");
    assert_eq!(ballots_in(&chat), 1);
    // A second `!voter`, typed anew: the same.
    let twice = chat.say(DIRECT, YANN, "!voter 1 Pour");
    assert!(
        twice.contains("déjà voté") && twice.contains("→ efface $e"),
        "{twice}"
    );
    assert_eq!(ballots_in(&chat), 1);

    // An edit that turns a message of a group room into a vote: erased.
    let open = chat.say_with(IncomingMessage {
        is_edit: true,
        replaces: Some("$hello".into()),
        ..message(ROOM, CAMILLE, "!voter 1 Pour")
    });
    assert!(open.contains("tout le salon voit ce message"), "{open}");
    assert!(open.contains("→ efface $e"), "{open}");
    // Not what it names: anyone may send an edit naming anyone's event.
    assert!(!open.contains("$hello"), "{open}");
    assert_eq!(ballots_in(&chat), 1);

    // Any other edit is still no command.
    let other = chat.say_with(edit("!scrutin Encore ? | Oui | Non", CAMILLE));
    assert_eq!(other, "");

    // Closed: refused, and erased.
    chat.say(ROOM, CAMILLE, "!cloturer 1");
    let late = chat.say(DIRECT, CAMILLE, "!voter 1 Pour");
    assert!(
        late.contains("est clos") && late.contains("→ efface $e"),
        "{late}"
    );
}

/// `!mesdonnees` in a direct chat that is not encrypted: nothing written
/// there, since the list and the file would be readable on the homeserver;
/// they go to the bot's encrypted direct chat with the person (the adapter
/// never writes a direct message into a clear chat).
#[test]
fn my_data_is_not_sent_into_a_clear_chat() {
    let mut chat = Chat::new();
    chat.say(ROOM, YANN, "!inscription");
    let outcome = handle(
        &Input::Message(IncomingMessage {
            sent_encrypted: false,
            ..message(DIRECT, YANN, "!mesdonnees")
        }),
        &chat.state,
        chat.now,
    );
    let said = chat.apply(&outcome);
    assert!(said.contains("n'est pas chiffrée"), "{said}");
    assert!(
        outcome
            .messages
            .iter()
            .all(|message| !message.text.body.contains("Ce que je garde")),
        "{said}"
    );
    assert!(
        !outcome
            .actions
            .iter()
            .any(|action| matches!(action, Action::SendFile { .. })),
        "{said}"
    );
    assert!(
        said.contains("→ écrit en privé à @yann:example.org (sonne) : Ce que je garde"),
        "{said}"
    );
    assert!(
        said.contains("→ envoie mes-donnees-boucle.json en privé à @yann:example.org"),
        "{said}"
    );
    let shown = chat.say(DIRECT, YANN, "!mesdonnees");
    assert!(
        shown.contains("→ envoie mes-donnees-boucle.json dans privé"),
        "{shown}"
    );
}

#[test]
fn a_ballot_in_the_hub_waits_for_the_room_members_list() {
    let mut chat = Chat::new();
    expect![[r#"
        [hub] Je prépare le scrutin secret #1 : je relève la liste des membres du salon, qui pourront voter.
        → liste les membres de hub pour le scrutin #1"#]]
    .assert_eq(&chat.say(HUB, CAMILLE, "!scrutin Pour ou contre ? | Pour | Contre"));
    assert_eq!(
        chat.say(DIRECT, YANN, "!voter 1 Pour"),
        "[privé] Le scrutin #1 se prépare encore : réessayez dans un instant.\n\
         J'ai effacé votre message : il contenait un choix.\n\
         → efface $e2 dans privé"
    );
    let announced = chat.input(Input::Electorate {
        number: 1,
        members: vec![
            CAMILLE.into(),
            YANN.into(),
            "@lou:example.org".into(),
            BOT.into(),
        ],
    });
    assert!(
        announced.contains("3 personnes peuvent voter"),
        "{announced}"
    );
    assert!(
        chat.say(DIRECT, YANN, "!voter 1 Pour")
            .contains("dans l'urne")
    );
    // The list is frozen: a second answer of the adapter changes nothing.
    assert_eq!(
        chat.input(Input::Electorate {
            number: 1,
            members: vec!["@zoe:example.org".into()],
        }),
        ""
    );
}

fn meeting_chat() -> Chat {
    let mut chat = Chat::new();
    for person in [CAMILLE, YANN] {
        chat.say(ROOM, person, "!inscription");
    }
    chat
}

/// `!participe` is acknowledged with ✅ when the reply would add nothing;
/// with two meetings ahead and none named, the reply says which it took.
#[test]
fn an_answer_gets_a_reaction_unless_the_meeting_taken_needs_saying() {
    let mut chat = meeting_chat();
    chat.say(ROOM, CAMILLE, "!reunion jeudi 18h30 | Local");
    let one = chat.say(ROOM, YANN, "!participe");
    assert!(one.starts_with("→ réagit ✅ à $e"), "{one}");
    assert!(!one.contains("C'est noté"), "{one}");
    chat.say(ROOM, CAMILLE, "!reunion le 10 décembre à 18h30 | Mairie");
    let which = chat.say(ROOM, YANN, "!absent");
    assert!(
        which.contains("vous ne venez pas à la réunion #1"),
        "{which}"
    );
    assert!(!which.contains("réagit"), "{which}");
    let named = chat.say(ROOM, YANN, "!participe 2");
    assert!(named.starts_with("→ réagit ✅"), "{named}");
    // A refusal still gets words.
    let refused = chat.say(ROOM, YANN, "!participe 9");
    assert!(!refused.contains("réagit"), "{refused}");
    // One meeting in the room, but the general assembly comes first: the
    // answer goes to the assembly, and says so.
    let mut chat = meeting_chat();
    chat.say(HUB, ADMIN, "!ag le 8 décembre à 14h | Salle des fêtes");
    chat.say(ROOM, CAMILLE, "!reunion le 10 décembre à 18h30 | Local");
    let assembly = chat.say(ROOM, YANN, "!participe");
    assert!(
        assembly.contains("vous venez à la réunion #1"),
        "{assembly}"
    );
    assert!(!assembly.contains("réagit"), "{assembly}");
}

#[test]
fn a_meeting_is_announced_with_its_date_in_full_and_answered() {
    let mut chat = meeting_chat();
    let announced = chat.script(&[(
        ROOM,
        CAMILLE,
        "!reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique --visio https://visio.example/ap",
    )]);
    expect![[r#"
        > [santé] @camille:example.org : !reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique --visio https://visio.example/ap
        → envoie m.room.message dans santé (signaler meeting:1)
        → envoie reunion-1.ics dans santé"#]]
    .assert_eq(&announced);
    let Some(Action::SendEvent { content, .. }) = handle(
        &Input::Message(message(
            ROOM,
            CAMILLE,
            "!reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique --visio https://visio.example/ap",
        )),
        &chat.state,
        now(),
    )
    .actions
    .first()
    .cloned() else {
        panic!("the announcement is an event to report");
    };
    expect![[r#"
        Réunion #2 : jeudi 3 décembre 2026 à 18 h 30
        Lieu : Maison des associations
        Sujet : Préparer la réunion publique
        Visio : https://visio.example/ap
        Réagissez à ce message : ✅ je viens, 🤔 peut-être, ❌ je ne viens pas (ou tapez !participe 2)."#]]
    .assert_eq(content["body"].as_str().unwrap());
    assert_eq!(
        content["m.relates_to"]["m.in_reply_to"]["event_id"],
        "$command"
    );
    assert_eq!(content["m.mentions"]["user_ids"], serde_json::json!([]));
    // Two timers: the day before and the hour before.
    chat.input(Input::Sent {
        tag: "meeting:1".into(),
        event_id: "$announce1".into(),
    });
    let reactions = |key: &str, sender: &str, event: &str| Input::Reaction {
        event_id: event.into(),
        room_id: ROOM.into(),
        sender: sender.into(),
        relates_to: "$announce1".into(),
        key: key.into(),
        at: now(),
    };
    chat.input(reactions("✅", YANN, "$r1"));
    chat.input(reactions("🤔", "@lou:example.org", "$r2"));
    chat.input(reactions("🎉", "@zoe:example.org", "$r3"));
    let answered = chat.script(&[
        (ROOM, "@zoe:example.org", "!absent"),
        (ROOM, CAMILLE, "!participe 1"),
        (ROOM, CAMILLE, "!participants"),
        (HUB, CAMILLE, "!agenda"),
    ]);
    expect![[r#"
        > [santé] @zoe:example.org : !absent
        → réagit ✅ à $e4 dans santé
        > [santé] @camille:example.org : !participe 1
        → réagit ✅ à $e5 dans santé
        > [santé] @camille:example.org : !participants
        [santé] Réunion #1, jeudi 3 décembre 2026 à 18 h 30
        Viennent (2) :
        • @camille:example.org
        • @yann:example.org
        Peut-être (1) :
        • @lou:example.org
        Ne viennent pas (1) :
        • @zoe:example.org
        > [hub] @camille:example.org : !agenda
        [hub] La prochaine réunion
        #1 jeudi 3 décembre 2026 à 18 h 30 : Santé, Maison des associations (2 personnes viennent)"#]]
    .assert_eq(&answered);
    // Withdrawing the reaction withdraws the answer.
    chat.input(Input::Redaction {
        event_id: "$x".into(),
        room_id: ROOM.into(),
        redacts: "$r2".into(),
    });
    assert!(
        !chat
            .state
            .assembly
            .rsvps
            .contains_key(&(1, "@lou:example.org".to_owned()))
    );
}

#[test]
fn meeting_mistakes_and_rights() {
    let mut chat = meeting_chat();
    chat.say(ROOM, CAMILLE, "!reunion jeudi 18h30");
    expect![[r#"
        > [santé] @camille:example.org : !reunion jeudi
        [santé] À quelle heure ? « jeudi » donne un jour sans heure : par exemple « jeudi 18h30 ».
        > [santé] @camille:example.org : !reunion hier 18h
        [santé] Je ne comprends pas la date « hier 18h ».
        Par exemple : « demain 20h », « jeudi 18h30 », « le 3 décembre à 18h30 », « 3/12 18:30 » (jour/mois), « dans 2 semaines ».
        > [santé] @camille:example.org : !reunion demain 18h --visio javascript:alert(1)
        [santé] Le lien de visio doit commencer par https://
        > [santé] @yann:example.org : !annuler 1
        [santé] Seuls la personne qui a organisé la réunion #1, la coordination et les admins peuvent la changer.
        > [santé] @yann:example.org : !deplacer 1 vendredi 18h
        [santé] Seuls la personne qui a organisé la réunion #1, la coordination et les admins peuvent la changer.
        > [santé] @camille:example.org : !annuler 7
        [santé] Il n'y a pas de réunion #7 ici. Tapez !agenda pour voir les prochaines.
        > [logement] @camille:example.org : !participe
        [logement] Aucune réunion à venir dans ce salon. Pour en annoncer une : !reunion jeudi 18h30 | lieu | sujet
        > [santé] @camille:example.org : !rappels
        [santé] Vos rappels de réunion, et les réunions annulées ou déplacées, arrivent en message privé, avec une notification.
        Pour changer : !rappels salon, !rappels prive ou !rappels aucun.
        > [santé] @camille:example.org : !rappels privé
        [santé] Vos rappels de réunion, et les réunions annulées ou déplacées, arrivent en message privé, avec une notification."#]]
    .assert_eq(&chat.script(&[
        (ROOM, CAMILLE, "!reunion jeudi"),
        (ROOM, CAMILLE, "!reunion hier 18h"),
        (ROOM, CAMILLE, "!reunion demain 18h --visio javascript:alert(1)"),
        (ROOM, YANN, "!annuler 1"),
        (ROOM, YANN, "!deplacer 1 vendredi 18h"),
        (ROOM, CAMILLE, "!annuler 7"),
        (HOUSING, CAMILLE, "!participe"),
        (ROOM, CAMILLE, "!rappels"),
        (ROOM, CAMILLE, "!rappels privé"),
    ]));
}

#[test]
fn reminders_are_set_on_time_marked_late_or_recorded_as_missed() {
    let mut chat = meeting_chat();
    let created = handle(
        &Input::Message(message(ROOM, CAMILLE, "!reunion jeudi 18h30 | Local")),
        &chat.state,
        now(),
    );
    chat.apply(&created);
    let timers = created.timers.clone();
    let start = Utc.with_ymd_and_hms(2026, 12, 3, 17, 30, 0).unwrap();
    assert_eq!(
        timers,
        vec![
            NewTimer {
                due: start - chrono::Duration::days(1),
                purpose: TimerPurpose::Reminder(ReminderDue {
                    meeting: 1,
                    minutes: 1440,
                    start: start.timestamp()
                })
            },
            NewTimer {
                due: start - chrono::Duration::hours(1),
                purpose: TimerPurpose::Reminder(ReminderDue {
                    meeting: 1,
                    minutes: 60,
                    start: start.timestamp()
                })
            },
        ]
    );
    chat.say(ROOM, YANN, "!participe");
    chat.say(ROOM, YANN, "!rappels salon");
    chat.say(ROOM, "@lou:example.org", "!participe");
    let fire = |chat: &mut Chat, timer: &NewTimer, at: DateTime<Utc>| {
        chat.now = at;
        let outcome = handle(
            &Input::Timer {
                purpose: timer.purpose,
            },
            &chat.state,
            at,
        );
        chat.apply(&outcome)
    };
    // On time: in the room, pinging Yann; Lou gets it in private.
    expect![[r#"
        [santé] (mentionne @yann:example.org) Rappel : réunion #1, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Local
        → écrit en privé à @lou:example.org (sonne) : Rappel : réunion #1, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Local
        (Vos rappels arrivent ici. Pour les recevoir dans le salon du groupe : !rappels salon ; pour ne plus en recevoir : !rappels aucun.)"#]]
    .assert_eq(&fire(&mut chat, &timers[0], timers[0].due));
    // Late (the bot was down) but before the start: sent, marked late.
    let late = fire(
        &mut chat,
        &timers[1],
        timers[1].due + chrono::Duration::minutes(20),
    );
    assert!(
        late.starts_with("[santé] (mentionne @yann:example.org) Rappel en retard : réunion #1"),
        "{late}"
    );
    // After the start: nothing said, one line kept for the digest.
    assert_eq!(
        fire(&mut chat, &timers[1], start + chrono::Duration::minutes(5)),
        ""
    );
    assert_eq!(chat.state.assembly.missed_reminders.len(), 1);
    assert_eq!(chat.state.assembly.missed_reminders[0].due, timers[1].due);
}

#[test]
fn reminders_due_together_are_one_message_per_room_and_one_per_person() {
    const LOU: &str = "@lou:example.org";
    let mut chat = meeting_chat();
    let mut timers = Vec::new();
    for text in [
        "!reunion jeudi 18h30 | Local",
        "!reunion jeudi 18h30 | Mairie | Budget <b>participatif</b>",
        "!reunion jeudi 18h30 | Gare",
    ] {
        let created = handle(
            &Input::Message(message(ROOM, CAMILLE, text)),
            &chat.state,
            now(),
        );
        chat.apply(&created);
        timers.extend(created.timers);
    }
    chat.say(ROOM, CAMILLE, "!annuler 3");
    for (person, number) in [(YANN, 1), (YANN, 2), (LOU, 1), (LOU, 2), (CAMILLE, 2)] {
        chat.say(ROOM, person, &format!("!participe {number}"));
    }
    chat.say(ROOM, LOU, "!rappels prive");
    let day_before: Vec<ReminderDue> = timers
        .iter()
        .filter_map(|timer| match timer.purpose {
            TimerPurpose::Reminder(reminder) if reminder.minutes == 1440 => Some(reminder),
            _ => None,
        })
        .collect();
    assert_eq!(day_before.len(), 3, "{timers:?}");
    let due = timers[0].due;
    chat.now = due;
    let outcome = handle(&Input::Reminders(day_before), &chat.state, due);
    // The cancelled meeting's reminder is stale: nothing said of it.
    expect![[r#"
        [santé] Rappel : réunion #1, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Local

        Rappel : réunion #2, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Mairie
        Sujet : Budget <b>participatif</b>
        → écrit en privé à @lou:example.org (sonne) : Rappel : réunion #1, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Local

        Rappel : réunion #2, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Mairie
        Sujet : Budget <b>participatif</b>
        (Vos rappels arrivent ici. Pour les recevoir dans le salon du groupe : !rappels salon ; pour ne plus en recevoir : !rappels aucun.)
        → écrit en privé à @yann:example.org (sonne) : Rappel : réunion #1, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Local

        Rappel : réunion #2, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Mairie
        Sujet : Budget <b>participatif</b>
        (Vos rappels arrivent ici. Pour les recevoir dans le salon du groupe : !rappels salon ; pour ne plus en recevoir : !rappels aucun.)
        → écrit en privé à @camille:example.org (sonne) : Rappel : réunion #2, jeudi 3 décembre 2026 à 18 h 30
        Lieu : Mairie
        Sujet : Budget <b>participatif</b>
        (Vos rappels arrivent ici. Pour les recevoir dans le salon du groupe : !rappels salon ; pour ne plus en recevoir : !rappels aucun.)"#]]
    .assert_eq(&chat.apply(&outcome));
    assert_eq!(outcome.messages.len(), 1);
    assert!(
        outcome.messages[0]
            .text
            .html
            .contains("&lt;b&gt;participatif"),
        "{}",
        outcome.messages[0].text.html
    );
}

#[test]
fn a_burst_of_reminders_too_long_for_one_message_is_split_and_each_part_pings_its_own() {
    let mut chat = meeting_chat();
    let subject = "ordre du jour ".repeat(30);
    let mut reminders = Vec::new();
    for index in 0..40 {
        // Two organisers: twenty meetings under way is one person's most.
        let organiser = if index % 2 == 0 { CAMILLE } else { ADMIN };
        let created = handle(
            &Input::Message(message(
                ROOM,
                organiser,
                &format!("!reunion jeudi 18h30 | Local | {subject}"),
            )),
            &chat.state,
            now(),
        );
        chat.apply(&created);
        reminders.extend(
            created
                .timers
                .iter()
                .filter_map(|timer| match timer.purpose {
                    TimerPurpose::Reminder(reminder) if reminder.minutes == 60 => Some(reminder),
                    _ => None,
                }),
        );
    }
    chat.say(ROOM, YANN, "!participe 1");
    chat.say(ROOM, CAMILLE, "!participe 40");
    chat.say(ROOM, YANN, "!rappels salon");
    chat.say(ROOM, CAMILLE, "!rappels salon");
    let at = Utc.with_ymd_and_hms(2026, 12, 3, 16, 30, 0).unwrap();
    let outcome = handle(&Input::Reminders(reminders), &chat.state, at);
    assert!(outcome.messages.len() >= 2, "{}", outcome.messages.len());
    let mut told = Vec::new();
    for message in &outcome.messages {
        let size = message.text.body.len() + message.text.html.len();
        assert!(size <= render::MESSAGE_BUDGET, "{size}");
        told.extend(message.text.body.match_indices("réunion #").map(|(at, _)| {
            message.text.body[at..]
                .split(',')
                .next()
                .unwrap()
                .to_owned()
        }));
    }
    let expected: Vec<String> = (1..=40)
        .map(|number| format!("réunion #{number}"))
        .collect();
    assert_eq!(told, expected, "every meeting once, in order");
    assert_eq!(outcome.messages[0].mentions, [YANN]);
    assert_eq!(outcome.messages.last().unwrap().mentions, [CAMILLE]);
}

#[test]
fn moving_or_cancelling_makes_old_reminders_stale_and_tells_those_coming() {
    let mut chat = meeting_chat();
    let created = handle(
        &Input::Message(message(ROOM, CAMILLE, "!reunion jeudi 18h30")),
        &chat.state,
        now(),
    );
    chat.apply(&created);
    chat.say(ROOM, YANN, "!participe");
    let moved = handle(
        &Input::Message(message(ROOM, CAMILLE, "!deplacer 1 vendredi 18h")),
        &chat.state,
        now(),
    );
    let moved_text = chat.apply(&moved);
    expect![[r#"
        [santé] C'est fait : réunion #1 déplacée, les personnes qui venaient sont prévenues.
        [santé] La réunion #1 est déplacée : elle n'a plus lieu le jeudi 3 décembre 2026 à 18 h 30 mais le vendredi 4 décembre 2026 à 18 h.
        → écrit en privé à @yann:example.org (sonne) : La réunion #1 est déplacée : elle n'a plus lieu le jeudi 3 décembre 2026 à 18 h 30 mais le vendredi 4 décembre 2026 à 18 h."#]]
    .assert_eq(&moved_text);
    assert_eq!(moved.timers.len(), 2, "new reminders for the new date");
    // The reminders of the old date fire and say nothing.
    for timer in &created.timers {
        let outcome = handle(
            &Input::Timer {
                purpose: timer.purpose,
            },
            &chat.state,
            timer.due,
        );
        assert!(outcome.is_empty(), "{timer:?}");
    }
    let cancelled = chat.say(ROOM, CAMILLE, "!annuler 1");
    assert!(
        cancelled.contains("[santé] La réunion #1 du vendredi 4 décembre 2026 à 18 h est annulée."),
        "{cancelled}"
    );
    // Yann, who comes, is told by a message that rings his phone.
    assert!(
        cancelled.contains("→ écrit en privé à @yann:example.org (sonne) : La réunion #1 du vendredi 4 décembre 2026 à 18 h est annulée."),
        "{cancelled}"
    );
    for timer in &moved.timers {
        let outcome = handle(
            &Input::Timer {
                purpose: timer.purpose,
            },
            &chat.state,
            timer.due,
        );
        assert!(outcome.is_empty(), "{timer:?}");
    }
    assert_eq!(
        chat.say(ROOM, CAMILLE, "!agenda"),
        "[santé] Aucune réunion à venir. Pour en annoncer une : !reunion jeudi 18h30 | lieu | sujet"
    );
}

#[test]
fn a_weekly_meeting_moves_to_its_next_occurrence_at_the_same_local_hour() {
    let mut chat = meeting_chat();
    chat.now = Utc.with_ymd_and_hms(2027, 3, 20, 9, 0, 0).unwrap();
    let created = handle(
        &Input::Message(message(
            ROOM,
            CAMILLE,
            "!reunion jeudi 18h30 --chaque semaine --rappels 1h",
        )),
        &chat.state,
        chat.now,
    );
    chat.apply(&created);
    let first = Utc.with_ymd_and_hms(2027, 3, 25, 17, 30, 0).unwrap();
    assert_eq!(chat.state.assembly.meetings[&1].starts_at, first);
    chat.say(ROOM, YANN, "!participe");
    let next = created
        .timers
        .iter()
        .find(|timer| matches!(timer.purpose, TimerPurpose::NextOccurrence { .. }))
        .expect("a series sets its next occurrence");
    assert_eq!(next.due, first);
    chat.now = first;
    let advanced = handle(
        &Input::Timer {
            purpose: next.purpose,
        },
        &chat.state,
        first,
    );
    chat.apply(&advanced);
    // Summer time began on 28 March: 18:30 in Paris is now 16:30 UTC.
    let second = Utc.with_ymd_and_hms(2027, 4, 1, 16, 30, 0).unwrap();
    assert_eq!(chat.state.assembly.meetings[&1].starts_at, second);
    assert!(
        chat.state.assembly.rsvps.is_empty(),
        "answers were for the last one"
    );
    assert!(
        advanced
            .timers
            .iter()
            .any(|timer| timer.due == second - chrono::Duration::hours(1))
    );
    assert!(advanced.timers.iter().any(|timer| timer.due == second));
}

#[test]
fn slots_are_answered_by_reaction_and_the_best_becomes_a_meeting() {
    let mut chat = meeting_chat();
    let opened = chat.script(&[(
        ROOM,
        CAMILLE,
        "!creneaux Réunion de rentrée | mardi 18h | jeudi 18h30 | samedi 10h",
    )]);
    expect![[r#"
        > [santé] @camille:example.org : !creneaux Réunion de rentrée | mardi 18h | jeudi 18h30 | samedi 10h
        [santé] Créneaux #1 « Réunion de rentrée » : réagissez sur chaque ligne ci-dessous, ✅ oui, 🤔 si nécessaire, ❌ non. Pour choisir : !creneaux clore 1
        → envoie m.room.message dans santé (signaler slot:1:0)
        → envoie m.room.message dans santé (signaler slot:1:1)
        → envoie m.room.message dans santé (signaler slot:1:2)"#]]
    .assert_eq(&opened);
    for index in 0..3 {
        chat.input(Input::Sent {
            tag: format!("slot:1:{index}"),
            event_id: format!("$slot{index}"),
        });
    }
    let react = |chat: &mut Chat, event: &str, sender: &str, slot: usize, key: &str| {
        chat.input(Input::Reaction {
            event_id: event.into(),
            room_id: ROOM.into(),
            sender: sender.into(),
            relates_to: format!("$slot{slot}"),
            key: key.into(),
            at: now(),
        })
    };
    // Tuesday: 2 yes. Thursday: 2 yes + 1 if need be. Saturday: 1 no.
    react(&mut chat, "$a", CAMILLE, 0, "✅");
    react(&mut chat, "$b", YANN, 0, "✅");
    react(&mut chat, "$c", CAMILLE, 1, "✅");
    react(&mut chat, "$d", YANN, 1, "✅️");
    react(&mut chat, "$e", "@lou:example.org", 1, "🤔");
    react(&mut chat, "$f", "@lou:example.org", 2, "❌");
    react(&mut chat, "$g", "@zoe:example.org", 1, "✅");
    // Zoé changes her mind: her reaction is withdrawn.
    chat.input(Input::Redaction {
        event_id: "$x".into(),
        room_id: ROOM.into(),
        redacts: "$g".into(),
    });
    let closed = chat.script(&[
        (ROOM, "@lou:example.org", "!creneaux clore"),
        (ROOM, CAMILLE, "!creneaux clore 1"),
        (ROOM, CAMILLE, "!creneaux clore 1"),
    ]);
    expect![[r#"
        > [santé] @lou:example.org : !creneaux clore
        [santé] Seuls la personne qui a proposé les créneaux #1, la coordination et les admins peuvent choisir.
        > [santé] @camille:example.org : !creneaux clore 1
        [santé] Créneau retenu pour les créneaux #1 : jeudi 3 décembre 2026 à 18 h 30 (2 oui, 1 si nécessaire).
        → envoie m.room.message dans santé (signaler meeting:1)
        → envoie reunion-1.ics dans santé
        > [santé] @camille:example.org : !creneaux clore 1
        [santé] Les créneaux #1 sont déjà clos."#]]
    .assert_eq(&closed);
    let meeting = &chat.state.assembly.meetings[&1];
    assert_eq!(meeting.subject.as_deref(), Some("Réunion de rentrée"));
    let answers: Vec<(&str, assembly::Attendance)> = chat
        .state
        .assembly
        .rsvps
        .iter()
        .map(|((_, user), rsvp)| (user.as_str(), rsvp.answer))
        .collect();
    assert_eq!(
        answers,
        vec![
            (CAMILLE, assembly::Attendance::Going),
            ("@lou:example.org", assembly::Attendance::Maybe),
            (YANN, assembly::Attendance::Going),
        ]
    );
}

#[test]
fn the_general_assembly_is_announced_reminded_and_answered_everywhere() {
    let mut chat = meeting_chat();
    let refused = chat.script(&[
        (
            HUB,
            CAMILLE,
            "!ag le 14 mars à 14h | Salle des fêtes | Bilan du trimestre",
        ),
        (ROOM, ADMIN, "!ag le 14 mars à 14h"),
    ]);
    expect![[r#"
        > [hub] @camille:example.org : !ag le 14 mars à 14h | Salle des fêtes | Bilan du trimestre
        [hub] !ag est réservée aux admins de l'assemblée.
        > [santé] @admin:example.org : !ag le 14 mars à 14h
        [santé] !ag se tape dans le salon principal de l'assemblée."#]]
    .assert_eq(&refused);
    let created = handle(
        &Input::Message(message(
            HUB,
            ADMIN,
            "!ag le 14 mars à 14h | Salle des fêtes | Bilan du trimestre",
        )),
        &chat.state,
        now(),
    );
    expect![[r#"
        → envoie m.room.message dans hub (signaler meeting:1)
        → envoie m.room.message dans santé (signaler meeting:1:0)
        → envoie m.room.message dans logement (signaler meeting:1:1)
        → envoie reunion-1.ics dans hub
        → envoie reunion-1.ics dans santé
        → envoie reunion-1.ics dans logement"#]]
    .assert_eq(&chat.apply(&created));
    let start = Utc.with_ymd_and_hms(2027, 3, 14, 13, 0, 0).unwrap();
    let dues: Vec<DateTime<Utc>> = created.timers.iter().map(|timer| timer.due).collect();
    assert_eq!(
        dues,
        vec![
            start - chrono::Duration::weeks(1),
            start - chrono::Duration::days(1)
        ]
    );
    for (tag, event) in [("meeting:1", "$hub"), ("meeting:1:0", "$sante")] {
        chat.input(Input::Sent {
            tag: tag.into(),
            event_id: event.into(),
        });
    }
    // A ✅ on the announcement in a theme room counts, and so does a command
    // in another room.
    chat.input(Input::Reaction {
        event_id: "$r".into(),
        room_id: ROOM.into(),
        sender: YANN.into(),
        relates_to: "$sante".into(),
        key: "✅".into(),
        at: now(),
    });
    chat.say(HOUSING, "@lou:example.org", "!participe 1");
    chat.say(HOUSING, "@lou:example.org", "!rappels salon");
    chat.say(ROOM, YANN, "!rappels salon");
    assert!(
        chat.say(HUB, ADMIN, "!participants 1")
            .contains("Viennent (2)")
    );
    let reminder = handle(
        &Input::Timer {
            purpose: created.timers[1].purpose,
        },
        &chat.state,
        created.timers[1].due,
    );
    let rooms: Vec<&str> = reminder
        .messages
        .iter()
        .map(|message| message.room_id.as_str())
        .collect();
    assert_eq!(rooms, vec![HUB, ROOM, HOUSING]);
    assert_eq!(
        reminder.messages[0].mentions,
        vec!["@lou:example.org".to_owned(), YANN.to_owned()]
    );
    assert!(reminder.messages[1].mentions.is_empty());
}

#[test]
fn admins_are_told_weekly_when_no_general_assembly_is_planned() {
    let mut chat = Chat::new();
    let check = |chat: &Chat| {
        handle(
            &Input::Timer {
                purpose: TimerPurpose::AssemblyCheck,
            },
            &chat.state,
            now(),
        )
    };
    let nothing_planned = check(&chat);
    assert_eq!(
        chat.apply(&nothing_planned),
        "→ écrit en privé à @admin:example.org (sonne) : Aucune assemblée générale n'est prévue dans les trois prochains mois. Pour l'annoncer, dans le salon principal : !ag <quand> | <lieu> | <ordre du jour>"
    );
    assert_eq!(
        nothing_planned.timers[0].due,
        now() + chrono::Duration::weeks(1)
    );
    chat.say(HUB, ADMIN, "!ag le 14 février à 14h");
    let planned = check(&chat);
    assert!(planned.actions.is_empty());
    assert_eq!(planned.timers.len(), 1, "checked again next week");
}

/// Direct chats waiting on the homeserver's room-creation limit: the
/// admins, who can lift it, are told, once a day (the ledger key).
#[test]
fn admins_hear_once_a_day_that_direct_chats_wait_for_the_homeserver() {
    let mut chat = Chat::new();
    let day = now().date_naive();
    let waiting = |day| Input::DirectChatsWaiting { day };
    expect!["→ écrit en privé à @admin:example.org (sonne) : Le serveur Matrix me fait attendre avant d'ouvrir chaque nouvelle discussion privée (Synapse, par défaut : une par minute après dix) : des rappels, des réponses ou des données demandées arrivent en retard. Rien n'est perdu. Pour lever cette limite pour mon compte, voyez deploy/README.md (« Lift Synapse's rate limits »)."].assert_eq(&chat.input(waiting(day)));
    assert_ne!(
        waiting(day).ledger_key(),
        waiting(day.succ_opt().unwrap()).ledger_key(),
        "once a day"
    );
}

#[test]
fn themes_show_each_group_s_next_meeting() {
    let mut chat = meeting_chat();
    chat.say(ROOM, CAMILLE, "!reunion jeudi 18h30");
    chat.say(ROOM, CAMILLE, "!reunion le 10 décembre à 18h30");
    let themes = chat.say(HUB, CAMILLE, "!themes");
    assert!(
        themes.contains(
            "(sante) : 2 membres, dont vous ; prochaine réunion le jeudi 3 décembre 2026 à 18 h 30"
        ),
        "{themes}"
    );
    assert!(
        themes.contains("(logement) : personne d'inscrit pour l'instant\n"),
        "{themes}"
    );
}

fn deputy_chat() -> Chat {
    let mut chat = meeting_chat();
    chat.say(ROOM, CAMILLE, "!profil commune Kermaria");
    chat
}

#[test]
fn a_field_report_goes_to_the_team_as_a_card_and_the_answer_comes_back() {
    let mut chat = deputy_chat();
    let mut named = message(
        ROOM,
        CAMILLE,
        "!remontee Le bus de 7h15 ne passe plus ; « depuis septembre »",
    );
    named.sender_display_name = Some("Camille".into());
    let outcome = handle(&Input::Message(named), &chat.state, now());
    let Some(Action::SendEvent {
        room_id,
        content,
        report,
        ..
    }) = outcome.actions.first().cloned()
    else {
        panic!("a card for the deputy room");
    };
    assert_eq!(room_id, DEPUTY);
    assert_eq!(report.as_deref(), Some("report:1"));
    expect![[r#"
        Remontée #1, groupe Santé
        Le bus de 7h15 ne passe plus ; « depuis septembre »
        Auteur : Camille
        Commune : Kermaria
        voir le message (https://matrix.to/#/!theme:example.org/$command?via=example.org) · Pour répondre : répondez à ce message ou tapez !repondre 1 <texte>"#]]
    .assert_eq(content["body"].as_str().unwrap());
    assert_eq!(
        chat.apply(&outcome).lines().next().unwrap(),
        "[santé] Remontée #1 transmise à l'équipe de la députée. Vous serez prévenu·e de sa réponse ici."
    );
    chat.input(Input::Sent {
        tag: "report:1".into(),
        event_id: "$card1".into(),
    });
    let transcript = chat.script(&[
        (ROOM, YANN, "!repondre 1 Merci"),
        (DEPUTY, "@equipe:example.org", "!statut 1 en cours"),
        (
            DEPUTY,
            "@equipe:example.org",
            "!repondre 1 Question écrite déposée, merci !",
        ),
        (DEPUTY, "@equipe:example.org", "!statut 1 traité"),
        (DEPUTY, "@equipe:example.org", "!statut 9 traité"),
        (DEPUTY, "@equipe:example.org", "!remontees"),
    ]);
    expect![[r#"
        > [santé] @yann:example.org : !repondre 1 Merci
        [santé] !repondre se tape dans le salon de l'équipe de la députée.
        > [équipe] @equipe:example.org : !statut 1 en cours
        [équipe] Remontée #1 : statut « en cours ».
        > [équipe] @equipe:example.org : !repondre 1 Question écrite déposée, merci !
        [équipe] Réponse à la remontée #1 transmise à son auteur, en message privé.
        [santé] (mentionne @camille:example.org) Réponse de l'équipe de la députée à la remontée #1 : Question écrite déposée, merci !
        → écrit en privé à @camille:example.org (sonne) : Réponse de l'équipe de la députée à la remontée #1 : Question écrite déposée, merci !
        > [équipe] @equipe:example.org : !statut 1 traité
        [équipe] Remontée #1 : statut « traitée ».
        [santé] (mentionne @camille:example.org) Votre remontée #1 est maintenant « traitée » pour l'équipe de la députée.
        → écrit en privé à @camille:example.org (sonne) : Votre remontée #1 est maintenant « traitée » pour l'équipe de la députée.
        > [équipe] @equipe:example.org : !statut 9 traité
        [équipe] Il n'y a pas de remontée #9.
        > [équipe] @equipe:example.org : !remontees
        [équipe] 1 remontée, les plus anciennes en attente d'abord :
        #1 Santé, traitée, du dimanche 29 novembre 2026 à 11 h : Le bus de 7h15 ne passe plus ; « depuis septembre »"#]]
    .assert_eq(&transcript);
    // A plain reply to the card is an answer too, without the quoted part.
    let mut reply = message(
        DEPUTY,
        "@equipe:example.org",
        "> <@boucle:example.org> Remontée #1\n\nNous relançons la région.",
    );
    reply.in_reply_to = Some("$card1".into());
    let answered = chat.say_with(reply);
    assert!(answered.contains("[santé] (mentionne @camille:example.org) Réponse de l'équipe de la députée à la remontée #1 : Nous relançons la région."), "{answered}");
    let history = &chat.state.assembly.reports[&1].history;
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].by.as_deref(), Some("@equipe:example.org"));
}

#[test]
fn an_anonymous_report_names_nobody_to_the_team_and_encryption_is_never_downgraded() {
    let mut chat = deputy_chat();
    // Typed in a theme room, where everyone sees who writes: not forwarded,
    // moved to the author's direct chat and erased where the bot may.
    let mut may_redact = message(
        ROOM,
        CAMILLE,
        "!remontee --anonyme Le dispensaire ferme le mardi",
    );
    may_redact.power.users.insert(BOT.into(), 100);
    let moved = chat.say_with(may_redact);
    expect![[r#"
        [santé] Pas transmis : dans ce salon, tout le monde voit qui écrit, même « anonyme ». J'ai effacé votre message. Je vous écris en privé : c'est là qu'une remontée reste anonyme.
        → efface $e4 dans santé
        → écrit en privé à @camille:example.org (sonne) : Votre remontée anonyme pour le groupe Santé : « Le dispensaire ferme le mardi ». Attention : les membres du salon ont pu la lire avant qu'elle soit effacée ; si des membres de l'équipe de la députée y sont, ils peuvent faire le lien avec vous. Je l'envoie telle quelle, sans votre nom ? Répondez « oui », « réécrire » pour la dire autrement, ou « annuler »."#]].assert_eq(&moved);
    assert!(chat.state.assembly.reports.is_empty(), "nothing forwarded");
    let transcript = chat.script(&[
        (ROOM, YANN, "!remontee --anonyme"),
        (DIRECT, CAMILLE, "peut-être"),
        (DIRECT, CAMILLE, "oui"),
    ]);
    expect![[r#"
        > [santé] @yann:example.org : !remontee --anonyme
        [santé] Je vous écris en privé : c'est là qu'une remontée reste anonyme.
        → écrit en privé à @yann:example.org (sonne) : Remontée anonyme pour le groupe Santé : l'équipe de la députée ne verra pas votre nom.
        Que se passe-t-il ? Décrivez-le en un message.
        > [privé] @camille:example.org : peut-être
        [privé] Répondez « oui » pour l'envoyer, « réécrire » pour la dire autrement, ou « annuler » pour l'abandonner.
        > [privé] @camille:example.org : oui
        [privé] Remontée #1 transmise anonymement à l'équipe de la députée : votre nom n'y figure pas. Vous serez prévenu·e de sa réponse ici.
        → envoie m.room.message dans équipe (signaler report:1)"#]].assert_eq(&transcript);
    let card = chat
        .state
        .assembly
        .reports
        .get(&1)
        .expect("the report, sent from the direct chat");
    assert_eq!(card.room_id, DIRECT);
    assert_eq!(card.author.as_deref(), Some(CAMILLE), "kept for the answer");
    assert!(card.anonymous && card.commune.is_none());
    assert_eq!(card.text, "Le dispensaire ferme le mardi");
    assert_eq!(
        chat.state
            .assembly
            .report_drafts
            .get(YANN)
            .map(|draft| draft.step),
        Some(super::assembly::DraftStep::Text),
        "Yann is asked what happens, in private"
    );
    // The card itself.
    let mut confirm = message(
        DIRECT,
        CAMILLE,
        "!remontee --anonyme Les urgences ferment la nuit",
    );
    confirm.event_id = "$typed".into();
    chat.say_with(confirm);
    // The theme was all that was missing: sent as soon as it is given.
    let outcome = handle(
        &Input::Message(message(DIRECT, CAMILLE, "sante")),
        &chat.state,
        now(),
    );
    let Some(Action::SendEvent { content, .. }) = outcome.actions.first() else {
        panic!("a card: {outcome:?}");
    };
    let card = content.to_string();
    assert!(
        !card.contains(CAMILLE) && !card.contains("Kermaria") && !card.contains("camille"),
        "{card}"
    );
    assert!(
        card.contains("anonyme") && card.contains("Les urgences ferment la nuit"),
        "{card}"
    );
    // No link to the original message: following it would show its sender.
    assert!(!card.contains("matrix.to") && !card.contains('$'), "{card}");
    chat.apply(&outcome);
    // A report filed anonymously from a theme room by an older version:
    // what concerns it reaches its author in private, never in the room.
    let mut legacy = chat.state.assembly.reports[&1].clone();
    legacy.number = 7;
    legacy.room_id = ROOM.into();
    legacy.event_id = "$old".into();
    chat.state.assembly.reports.insert(7, legacy);
    let answers = chat.script(&[
        (
            DEPUTY,
            "@equipe:example.org",
            "!repondre 1 Nous avons écrit à l'ARS.",
        ),
        (DEPUTY, "@equipe:example.org", "!repondre 7 Nous relançons."),
        (DEPUTY, "@equipe:example.org", "!statut 7 traité"),
    ]);
    expect![[r#"
        > [équipe] @equipe:example.org : !repondre 1 Nous avons écrit à l'ARS.
        [équipe] Réponse à la remontée #1 transmise à son auteur, en message privé.
        [privé] (mentionne @camille:example.org) Réponse de l'équipe de la députée à la remontée #1 : Nous avons écrit à l'ARS.
        > [équipe] @equipe:example.org : !repondre 7 Nous relançons.
        [équipe] Réponse à la remontée #7 transmise à son auteur, en message privé.
        → écrit en privé à @camille:example.org : Réponse de l'équipe de la députée à la remontée #7 : Nous relançons.
        > [équipe] @equipe:example.org : !statut 7 traité
        [équipe] Remontée #7 : statut « traitée ».
        → écrit en privé à @camille:example.org : Votre remontée #7 est maintenant « traitée » pour l'équipe de la députée."#]].assert_eq(&answers);
    assert!(!answers.contains("[santé]"), "{answers}");
    chat.state.assembly.encrypted_rooms.insert(ROOM.into());
    let refused = chat.say(ROOM, CAMILLE, "!remontee Un problème");
    assert!(refused.contains("Je ne transmets pas"), "{refused}");
    let before = chat.state.assembly.reports.len();
    chat.state.assembly.encrypted_rooms.insert(DEPUTY.into());
    assert!(
        chat.say(ROOM, CAMILLE, "!remontee Un problème")
            .contains("transmise")
    );
    assert_eq!(chat.state.assembly.reports.len(), before + 1);
    // Erased, the author's reports stay, anonymous.
    chat.say(DIRECT, CAMILLE, "!oublier confirmer");
    let report = &chat.state.assembly.reports[&1];
    assert!(report.author.is_none() && report.anonymous && report.commune.is_none());
}

#[test]
fn the_digest_and_the_list_keep_anonymous_reports_anonymous() {
    let mut chat = deputy_chat();
    let help = chat.say(ROOM, CAMILLE, "!aide remontee");
    assert!(help.contains("écrivez-moi en message privé"), "{help}");
    let mut named = message(DIRECT, CAMILLE, "!remontee --anonyme Le dispensaire ferme");
    named.sender_display_name = Some("Camille Le Goff".into());
    chat.say_with(named);
    let sent = chat.say(DIRECT, CAMILLE, "sante");
    assert!(sent.contains("transmise anonymement"), "{sent}");
    assert_eq!(chat.state.assembly.reports.len(), 1);
    let listed = chat.say(DEPUTY, "@equipe:example.org", "!remontees");
    let digest = chat.say(DEPUTY, "@equipe:example.org", "!digest");
    for shown in [&listed, &digest] {
        assert!(shown.contains("Le dispensaire ferme"), "{shown}");
        for secret in ["camille", "Camille", "Le Goff", "Kermaria", "privé"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}

/// Everything `outcome` writes into a room, with the room: messages, events
/// and files. Direct messages are left out: the outbox writes them only
/// into an encrypted direct chat.
fn written(outcome: &Outcome) -> Vec<(String, String)> {
    let mut written: Vec<(String, String)> = outcome
        .messages
        .iter()
        .map(|message| {
            (
                message.room_id.clone(),
                format!("{}\n{}", message.text.body, message.text.html),
            )
        })
        .collect();
    for action in &outcome.actions {
        match action {
            Action::SendEvent {
                room_id, content, ..
            } => written.push((room_id.clone(), content.to_string())),
            Action::SendFile {
                room_id, content, ..
            } => written.push((room_id.clone(), content.clone())),
            _ => {}
        }
    }
    written
}

/// Handles `input`, fails if anything marked SECRET (typed only in
/// encrypted rooms) is written into a clear room, and returns the
/// transcript.
fn nothing_secret_in_clear(chat: &mut Chat, input: Input) -> String {
    let outcome = handle(&input, &chat.state, chat.now);
    for (room, text) in written(&outcome) {
        assert!(
            encryption::is_encrypted(&chat.state, &room) || !text.contains("SECRET"),
            "written in clear into {room}: {text}"
        );
    }
    chat.apply(&outcome)
}

fn typed(room: &str, sender: &str, body: &str) -> Input {
    Input::Message(message(room, sender, body))
}

const TEAM: &str = "@equipe:example.org";

#[test]
fn nothing_said_in_an_encrypted_room_is_written_into_a_clear_one() {
    // The santé room is encrypted; the deputy room, the hub and the
    // logement room are not.
    let mut chat = deputy_chat();
    let mut first = message(ROOM, CAMILLE, "!remontee Le bus ne passe plus");
    first.event_id = "$original".into();
    chat.apply(&handle(&Input::Message(first), &chat.state, chat.now));
    chat.state.assembly.encrypted_rooms.insert(ROOM.into());
    let start = chat.now;
    chat.now = start + chrono::Duration::days(1);
    let mut script = Vec::new();
    for (room, sender, body) in [
        (ROOM, CAMILLE, "!remontee SECRET le dispensaire ferme"),
        (ROOM, CAMILLE, "!sondage SECRET quel jour ? | Mardi | Jeudi"),
        (ROOM, CAMILLE, "!cloturer 1"),
        (
            ROOM,
            YANN,
            "!intervenant SECRET collectif | eau | contact@exemple.fr",
        ),
        (
            ROOM,
            CAMILLE,
            "!reunion jeudi 18h30 | SECRET local | SECRET sujet",
        ),
        (HUB, CAMILLE, "!agenda"),
        (HUB, CAMILLE, "!agenda ics"),
        (HUB, CAMILLE, "!themes"),
        (DEPUTY, TEAM, "!remontees"),
    ] {
        script.push(format!("> [{}] {sender} : {body}", room_label(room)));
        script.push(nothing_secret_in_clear(
            &mut chat,
            typed(room, sender, body),
        ));
    }
    // The report filed before the room was encrypted keeps its old text.
    let mut edit = message(ROOM, CAMILLE, "!remontee SECRET nouvelle version");
    edit.is_edit = true;
    edit.replaces = Some("$original".into());
    script.push(nothing_secret_in_clear(&mut chat, Input::Message(edit)));
    assert_eq!(chat.state.assembly.reports[&1].text, "Le bus ne passe plus");
    chat.input(Input::PollClosing {
        number: 1,
        responses: vec![],
    });
    chat.now = start + chrono::Duration::days(7);
    script.push(nothing_secret_in_clear(
        &mut chat,
        Input::Timer {
            purpose: TimerPurpose::Digest,
        },
    ));
    expect![[r#"
        > [santé] @camille:example.org : !remontee SECRET le dispensaire ferme
        [santé] Je ne transmets pas : ce salon est chiffré et celui de l'équipe de la députée ne l'est pas, votre message en sortirait en clair. L'équipe doit activer le chiffrement de son salon.
        > [santé] @camille:example.org : !sondage SECRET quel jour ? | Mardi | Jeudi
        [santé] Sondage #1 ouvert : votez en cliquant sur le sondage, ou tapez !vote 1 suivi de votre choix.
        → envoie org.matrix.msc3381.poll.start dans santé (signaler poll:1)
        > [santé] @camille:example.org : !cloturer 1
        [santé] Je clos le sondage #1 : je compte tous les votes et je publie les résultats.
        [santé] Résultats du sondage #1 « SECRET quel jour ? » (0 votant) :
        • Mardi : 0 voix (0 %)
        • Jeudi : 0 voix (0 %)
        Personne n'a voté.
        > [santé] @yann:example.org : !intervenant SECRET collectif | eau | contact@exemple.fr
        [santé] C'est noté : intervenant #1, SECRET collectif. L'équipe de la députée le verra dans son résumé.
        > [santé] @camille:example.org : !reunion jeudi 18h30 | SECRET local | SECRET sujet
        → envoie m.room.message dans santé (signaler meeting:1)
        → envoie reunion-1.ics dans santé
        > [hub] @camille:example.org : !agenda
        [hub] 1 réunion d'un salon chiffré n'est pas montrée ici : ce salon n'est pas chiffré.
        > [hub] @camille:example.org : !agenda ics
        [hub] 1 réunion d'un salon chiffré n'est pas montrée ici : ce salon n'est pas chiffré.
        > [hub] @camille:example.org : !themes
        [hub] Les 2 groupes de travail
        Santé (https://matrix.to/#/!theme:example.org?via=example.org) (sante) : 2 membres, dont vous
        Logement (https://matrix.to/#/!logement:example.org?via=example.org) (logement) : personne d'inscrit pour l'instant
        Pour rejoindre un groupe : !inscription <thème>, par exemple « !inscription logement ».
        > [équipe] @equipe:example.org : !remontees
        [équipe] 1 remontée venue d'un salon chiffré n'est pas montrée ici : ce salon n'est pas chiffré.
        [santé] Je ne transmets pas : ce salon est chiffré et celui de l'équipe de la députée ne l'est pas, votre message en sortirait en clair. L'équipe doit activer le chiffrement de son salon.
        [équipe] (sonne) Résumé de l'assemblée, du dimanche 29 novembre 2026 à 11 h au dimanche 6 décembre 2026 à 11 h
        1 remontée attend une réponse, la plus ancienne (#1) depuis 7 jours.
        2 éléments venus de salons chiffrés ne sont pas repris ici : ce salon n'est pas chiffré."#]].assert_eq(&script.join("\n"));
}

#[test]
fn what_the_team_says_in_an_encrypted_room_reaches_clear_rooms_only_in_private() {
    // The deputy room, the hub and the santé room are encrypted; the
    // logement room is not.
    let mut chat = deputy_chat();
    for room in [DEPUTY, HUB, ROOM] {
        chat.state.assembly.encrypted_rooms.insert(room.into());
    }
    chat.say(HOUSING, CAMILLE, "!inscription");
    let mut script = Vec::new();
    for (room, sender, body) in [
        (HOUSING, CAMILLE, "!remontee Les loyers montent"),
        (DEPUTY, TEAM, "!repondre 1 SECRET nous écrivons au préfet"),
        (DEPUTY, TEAM, "!statut 1 traité"),
        (DEPUTY, TEAM, "!annonce SECRET le texte arrive mardi"),
    ] {
        script.push(format!("> [{}] {sender} : {body}", room_label(room)));
        script.push(nothing_secret_in_clear(
            &mut chat,
            typed(room, sender, body),
        ));
    }
    let general = handle(
        &typed(
            HUB,
            ADMIN,
            "!ag le 14 mars à 14h | SECRET salle | SECRET bilan",
        ),
        &chat.state,
        chat.now,
    );
    for (room, text) in written(&general) {
        assert!(room != HOUSING && !text.is_empty(), "{room}: {text}");
    }
    script.push(chat.apply(&general));
    script.push(nothing_secret_in_clear(
        &mut chat,
        typed(HOUSING, CAMILLE, "!agenda"),
    ));
    let reminder = general.timers[0].clone();
    chat.now = reminder.due;
    script.push(nothing_secret_in_clear(
        &mut chat,
        Input::Timer {
            purpose: reminder.purpose,
        },
    ));
    expect![[r#"
        > [logement] @camille:example.org : !remontee Les loyers montent
        [logement] Remontée #1 transmise à l'équipe de la députée. Sa réponse vous arrivera en message privé : ce salon n'est pas chiffré et le sien l'est.
        → envoie m.room.message dans équipe (signaler report:1)
        > [équipe] @equipe:example.org : !repondre 1 SECRET nous écrivons au préfet
        [équipe] Réponse à la remontée #1 transmise à son auteur, en message privé.
        → écrit en privé à @camille:example.org (sonne) : Réponse de l'équipe de la députée à la remontée #1 : SECRET nous écrivons au préfet
        > [équipe] @equipe:example.org : !statut 1 traité
        [équipe] Remontée #1 : statut « traitée ».
        → écrit en privé à @camille:example.org (sonne) : Votre remontée #1 est maintenant « traitée » pour l'équipe de la députée.
        > [équipe] @equipe:example.org : !annonce SECRET le texte arrive mardi
        [équipe] Annonce envoyée dans 2 salons.
        Pas dans 1 salon qui n'est pas chiffré : ce salon-ci l'est, et l'annonce en sortirait en clair.
        [hub] (sonne) 📣 Travail parlementaire : des nouvelles de l'équipe de la députée
        SECRET le texte arrive mardi
        [santé] (sonne) 📣 Travail parlementaire : des nouvelles de l'équipe de la députée
        SECRET le texte arrive mardi
        → envoie m.room.message dans hub (signaler meeting:1)
        → envoie m.room.message dans santé (signaler meeting:1:0)
        → envoie reunion-1.ics dans hub
        → envoie reunion-1.ics dans santé
        [logement] 1 réunion d'un salon chiffré n'est pas montrée ici : ce salon n'est pas chiffré.
        [hub] Rappel : réunion #1, dimanche 14 mars 2027 à 14 h
        Lieu : SECRET salle
        Sujet : SECRET bilan
        [santé] Rappel : réunion #1, dimanche 14 mars 2027 à 14 h
        Lieu : SECRET salle
        Sujet : SECRET bilan"#]].assert_eq(&script.join("\n"));
}

#[test]
fn announcements_reach_the_hub_and_every_theme_or_the_ones_named() {
    let mut chat = deputy_chat();
    let transcript = chat.script(&[
        (DEPUTY, "@equipe:example.org", "!annonce Le projet de loi arrive en séance mardi : https://www.assemblee-nationale.fr/dossier"),
        (DEPUTY, "@equipe:example.org", "!annonce sante La proposition de loi est adoptée"),
        (DEPUTY, "@equipe:example.org", "!annonce sante,transports Texte"),
        (ROOM, CAMILLE, "!annonce Hello"),
    ]);
    expect![[r#"
        > [équipe] @equipe:example.org : !annonce Le projet de loi arrive en séance mardi : https://www.assemblee-nationale.fr/dossier
        [équipe] Annonce envoyée dans 3 salons.
        [hub] (sonne) 📣 Travail parlementaire : des nouvelles de l'équipe de la députée
        Le projet de loi arrive en séance mardi : https://www.assemblee-nationale.fr/dossier
        [santé] (sonne) 📣 Travail parlementaire : des nouvelles de l'équipe de la députée
        Le projet de loi arrive en séance mardi : https://www.assemblee-nationale.fr/dossier
        [logement] (sonne) 📣 Travail parlementaire : des nouvelles de l'équipe de la députée
        Le projet de loi arrive en séance mardi : https://www.assemblee-nationale.fr/dossier
        > [équipe] @equipe:example.org : !annonce sante La proposition de loi est adoptée
        [équipe] Annonce envoyée dans 1 salon.
        [santé] (sonne) 📣 Travail parlementaire : des nouvelles de l'équipe de la députée
        La proposition de loi est adoptée
        > [équipe] @equipe:example.org : !annonce sante,transports Texte
        [équipe] Je ne connais pas tous ces thèmes : « sante,transports ». Tapez !annonce suivi du texte pour tous les salons, ou des thèmes séparés par des virgules puis le texte (par exemple « !annonce sante,logement … »).
        > [santé] @camille:example.org : !annonce Hello
        [santé] !annonce se tape dans le salon de l'équipe de la députée."#]]
    .assert_eq(&transcript);
}

#[test]
fn a_scripted_week_makes_a_digest_with_only_the_sections_that_have_news() {
    let mut chat = deputy_chat();
    let start = now();
    // An empty period says so in one line.
    let quiet = Chat::new().input(Input::Timer {
        purpose: TimerPurpose::Digest,
    });
    expect![[r#"
        [équipe] (sonne) Résumé de l'assemblée, du dimanche 22 novembre 2026 à 11 h au dimanche 29 novembre 2026 à 11 h
        Rien de neuf sur la période."#]]
    .assert_eq(&quiet);
    // The week.
    chat.now = start + chrono::Duration::days(1);
    chat.say(ROOM, CAMILLE, "!remontee Le bus de 7h15 ne passe plus");
    chat.say(ROOM, "@lou:example.org", "!inscription");
    chat.say(ROOM, YANN, "!desinscription");
    chat.say(
        ROOM,
        YANN,
        "!intervenant Collectif Eau Pure | qualité de l'eau | contact@exemple.fr",
    );
    chat.say(HUB, CAMILLE, "!theme proposer Culture");
    chat.say(ROOM, CAMILLE, "!sondage Quel jour ? | Mardi | Jeudi");
    chat.input(Input::Sent {
        tag: "poll:1".into(),
        event_id: "$p".into(),
    });
    chat.say(ROOM, YANN, "!vote 1 Jeudi");
    chat.say(ROOM, CAMILLE, "!cloturer 1");
    chat.input(Input::PollClosing {
        number: 1,
        responses: vec![],
    });
    chat.say(ROOM, CAMILLE, "!reunion jeudi 18h30 | Local");
    chat.say(ROOM, YANN, "!participe");
    chat.state
        .assembly
        .missed_reminders
        .push(assembly::MissedReminder {
            meeting: 1,
            due: chat.now,
            starts_at: chat.now + chrono::Duration::hours(1),
        });
    chat.now = start + chrono::Duration::days(7);
    let digest = handle(
        &Input::Timer {
            purpose: TimerPurpose::Digest,
        },
        &chat.state,
        chat.now,
    );
    let text = chat.apply(&digest);
    expect![[r#"
        [équipe] (sonne) Résumé de l'assemblée, du dimanche 29 novembre 2026 à 11 h au dimanche 6 décembre 2026 à 11 h
        Nouvelles remontées (1)
        • Santé : #1 Le bus de 7h15 ne passe plus
        1 remontée attend une réponse, la plus ancienne (#1) depuis 6 jours.
        Sondages (0 ouverts)
        • clos : #1 « Quel jour ? », 1 votants, en tête : Jeudi
        Membres
        • Santé : +1 / −1
        Intervenants proposés
        • Santé : Collectif Eau Pure (qualité de l'eau)
        Thèmes
        • proposé : Culture
        Rappels manqués (boucle était arrêté)
        • réunion #1, rappel prévu le lundi 30 novembre 2026 à 11 h"#]]
    .assert_eq(&text);
    assert!(chat.state.assembly.missed_reminders.is_empty(), "told once");
    assert_eq!(chat.state.assembly.last_digest, Some(chat.now));
    // The meeting of Thursday 3 December is past by then; the next digest
    // starts where this one ended, and the timer is set for next Monday.
    assert_eq!(
        digest.timers[0].due,
        Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap()
    );
}

#[test]
fn speakers_are_listed_per_group_and_forgetting_drops_the_contact() {
    let mut chat = deputy_chat();
    chat.say(
        ROOM,
        YANN,
        "!intervenant Collectif Eau Pure | qualité de l'eau | contact@exemple.fr",
    );
    expect![[r#"
        [santé] 1 intervenant proposé
        #1 Collectif Eau Pure : qualité de l'eau (contact@exemple.fr)"#]]
    .assert_eq(&chat.say(ROOM, CAMILLE, "!intervenants"));
    assert_eq!(
        chat.say(HOUSING, CAMILLE, "!intervenants"),
        "[logement] Aucun intervenant proposé pour ce groupe. Pour en proposer : !intervenant <nom> | <sujet> | <contact>"
    );
    chat.say(DIRECT, YANN, "!oublier confirmer");
    let speaker = &chat.state.assembly.speakers[&1];
    assert!(speaker.proposer.is_none() && speaker.contact.is_none());
    assert_eq!(speaker.name, "Collectif Eau Pure");
}

#[test]
fn an_unanswered_report_follows_edits_and_deletion_of_its_message() {
    let mut chat = deputy_chat();
    let mut first = message(ROOM, CAMILLE, "!remontee Le bus ne passe plus");
    first.event_id = "$original".into();
    chat.apply(&handle(&Input::Message(first), &chat.state, now()));
    chat.input(Input::Sent {
        tag: "report:1".into(),
        event_id: "$card".into(),
    });
    let edit = |sender: &str, body: &str| {
        let mut edit = message(ROOM, sender, body);
        edit.event_id = "$edit".into();
        edit.is_edit = true;
        edit.replaces = Some("$original".into());
        edit
    };
    // Only its author's edits count.
    assert_eq!(chat.say_with(edit(YANN, "!remontee Autre chose")), "");
    expect![[r#"
        [équipe] Remontée #1 modifiée par son auteur :
        Le bus de 7h15 ne passe plus depuis septembre
        [santé] Remontée #1 mise à jour pour l'équipe de la députée."#]]
    .assert_eq(&chat.say_with(edit(
        CAMILLE,
        "!remontee Le bus de 7h15 ne passe plus depuis septembre",
    )));
    let outcome = handle(
        &Input::Redaction {
            event_id: "$redaction".into(),
            room_id: ROOM.into(),
            redacts: "$original".into(),
        },
        &chat.state,
        now(),
    );
    assert_eq!(outcome.messages[0].reply_to.as_deref(), Some("$card"));
    assert_eq!(
        chat.apply(&outcome),
        "[équipe] Remontée #1 retirée : son message a été supprimé."
    );
    assert_eq!(
        chat.state.assembly.reports[&1].status,
        assembly::ReportStatus::Withdrawn
    );
}

#[test]
fn a_report_can_be_written_step_by_step_in_a_direct_chat() {
    let mut chat = deputy_chat();
    let say = |chat: &mut Chat, body: &str| {
        let mut direct = message(DIRECT, YANN, body);
        direct.is_direct = true;
        direct.sent_encrypted = true;
        format!("> {body}\n{}", chat.say_with(direct))
    };
    let transcript = [
        say(&mut chat, "bonjour"),
        say(&mut chat, "!remontee"),
        say(&mut chat, "cuisine"),
        say(&mut chat, "santé"),
        say(
            &mut chat,
            "Le dispensaire ferme le mardi ; personne n'est prévenu",
        ),
        say(&mut chat, "Plestin"),
        say(&mut chat, "peut-être"),
        say(&mut chat, "non"),
    ]
    .join("\n");
    expect![[r#"
        > bonjour

        > !remontee
        [privé] Faisons remonter ça ensemble. Pour quel groupe de travail ? Répondez par son nom (ou « annuler » à tout moment).
        Thèmes : sante, logement
        > cuisine
        [privé] Je ne connais pas de thème « cuisine ».
        Thèmes : sante, logement
        > santé
        [privé] Que se passe-t-il ? Décrivez-le en un message.
        > Le dispensaire ferme le mardi ; personne n'est prévenu
        [privé] Où cela se passe-t-il ? Donnez la commune, ou répondez « passer ».
        > Plestin
        [privé] Voulez-vous que votre nom soit cité auprès de l'équipe de la députée ? Répondez « oui » ou « non ».
        > peut-être
        [privé] Voulez-vous que votre nom soit cité auprès de l'équipe de la députée ? Répondez « oui » ou « non ».
        > non
        [privé] Remontée #1 transmise anonymement à l'équipe de la députée : votre nom n'y figure pas. Vous serez prévenu·e de sa réponse ici.
        → envoie m.room.message dans équipe (signaler report:1)"#]]
    .assert_eq(&transcript);
    let report = &chat.state.assembly.reports[&1];
    assert_eq!(
        report.text,
        "Le dispensaire ferme le mardi ; personne n'est prévenu"
    );
    assert_eq!(report.commune.as_deref(), Some("Plestin"));
    assert!(report.anonymous);
    assert_eq!(
        report.room_id, DIRECT,
        "the answer comes back in the private chat"
    );
    assert!(chat.state.assembly.report_drafts.is_empty());
    // Started with the text and the flag, it only asks what is missing (an
    // anonymous card shows no commune: not asked); « annuler » drops it.
    let short = [
        say(
            &mut chat,
            "!remontee --anonyme Les poubelles ne sont plus ramassées",
        ),
        say(&mut chat, "annuler"),
    ]
    .join("\n");
    expect![[r#"
        > !remontee --anonyme Les poubelles ne sont plus ramassées
        [privé] Faisons remonter ça ensemble. Pour quel groupe de travail ? Répondez par son nom (ou « annuler » à tout moment).
        Thèmes : sante, logement
        > annuler
        [privé] C'est abandonné : rien n'a été transmis."#]]
    .assert_eq(&short);
    assert_eq!(chat.state.assembly.reports.len(), 1);
}

#[test]
fn a_long_digest_is_split_into_messages_under_the_size_limit() {
    let mut chat = deputy_chat();
    chat.now = now() + chrono::Duration::hours(1);
    for index in 0..400 {
        chat.say(
            ROOM,
            CAMILLE,
            &format!(
                "!remontee Problème numéro {index} : {}",
                "détail <b>important</b> ".repeat(8)
            ),
        );
    }
    let digest = handle(
        &Input::Message(message(DEPUTY, "@equipe:example.org", "!digest")),
        &chat.state,
        now() + chrono::Duration::hours(2),
    );
    assert!(digest.messages.len() > 1, "split into several messages");
    // Asked for, it rings nobody: whoever asked is watching.
    assert!(digest.messages.iter().all(|message| !message.rings));
    for message in &digest.messages {
        let size = serde_json::to_vec(&message.content()).unwrap().len();
        assert!(size < 60_000, "{size} bytes");
        assert!(
            !message.text.html.contains("<b>important"),
            "user text escaped"
        );
    }
    let all: String = digest
        .messages
        .iter()
        .map(|message| message.text.body.clone())
        .collect();
    for index in [0, 199, 399] {
        assert!(
            all.contains(&format!("Problème numéro {index} ")),
            "#{index} kept"
        );
    }
}

#[test]
fn the_agenda_comes_as_one_calendar_file_on_request() {
    let mut chat = meeting_chat();
    assert_eq!(
        chat.say(ROOM, CAMILLE, "!agenda ics"),
        "[santé] Aucune réunion à venir. Pour en annoncer une : !reunion jeudi 18h30 | lieu | sujet"
    );
    chat.say(ROOM, CAMILLE, "!reunion jeudi 18h30");
    chat.say(ROOM, CAMILLE, "!reunion le 10 décembre à 18h30 | Local");
    expect![[r#"
        [santé] Je vous envoie en privé le calendrier des 2 prochaines réunions : touchez le fichier pour l'ajouter à votre agenda.
        → envoie agenda.ics en privé à @camille:example.org"#]]
    .assert_eq(&chat.say(ROOM, CAMILLE, "!agenda ics"));
    let outcome = handle(
        &Input::Message(message(ROOM, CAMILLE, "!agenda ics")),
        &chat.state,
        now(),
    );
    let Some(Action::DirectFile { content, .. }) = outcome.actions.first() else {
        panic!("a calendar file");
    };
    assert_eq!(content.matches("BEGIN:VEVENT").count(), 2);
    // In a direct chat, it comes right there.
    expect![[r#"
        [privé] Voici le calendrier des 2 prochaines réunions : touchez le fichier pour l'ajouter à votre agenda.
        → envoie agenda.ics dans privé"#]].assert_eq(&chat.say(DIRECT, CAMILLE, "!agenda ics"));
}

/// Issue 18, part 3: a report is never written where the homeserver reads
/// it (a clear direct chat: the flow goes on in the encrypted one, and what
/// was typed in clear is erased, not kept), and one typed in a theme room
/// with `--anonyme`, which the room saw, goes only once its author knows
/// that, and may be written again in other words.
#[test]
fn a_report_is_written_only_where_nobody_else_reads_it() {
    let mut chat = deputy_chat();
    let clear = |body: &str| IncomingMessage {
        is_direct: true,
        sent_encrypted: false,
        ..message(DIRECT, YANN, body)
    };
    let started = chat.say_with(clear("!remontee Le dispensaire ferme le mardi"));
    assert!(
        started.contains("Pas noté : cette discussion n'est pas chiffrée"),
        "{started}"
    );
    assert!(started.contains("→ efface $e"), "{started}");
    assert!(
        started.contains("(sonne) : Faisons remonter ça ensemble"),
        "the flow goes on in the encrypted chat: {started}"
    );
    let draft = &chat.state.assembly.report_drafts[YANN];
    assert_eq!(draft.text, None, "what was typed in clear is not kept");
    // An answer typed in clear: not taken, erased, asked again in private.
    let answer = chat.say_with(clear("santé"));
    assert!(
        answer.contains("Pas noté") && answer.contains("→ efface $e"),
        "{answer}"
    );
    assert!(answer.contains("(sonne) : Faisons remonter"), "{answer}");
    assert_eq!(chat.state.assembly.report_drafts[YANN].theme, None);
    // In the encrypted chat, the flow goes on.
    let encrypted = chat.say(DIRECT, YANN, "santé");
    assert!(encrypted.contains("Que se passe-t-il ?"), "{encrypted}");
    chat.say(DIRECT, YANN, "annuler");

    // Typed in the theme room: the room saw it; the author is told so.
    let moved = chat.say(
        ROOM,
        CAMILLE,
        "!remontee --anonyme Le dispensaire ferme le mardi",
    );
    assert!(
        moved.contains("Attention : les membres du salon ont pu la lire"),
        "{moved}"
    );
    let rewrite = chat.say(DIRECT, CAMILLE, "réécrire");
    assert!(rewrite.contains("Que se passe-t-il ?"), "{rewrite}");
    let read_back = chat.say(DIRECT, CAMILLE, "Un service ferme sans prévenir");
    assert!(
        read_back.contains("« Un service ferme sans prévenir »")
            && read_back.contains("Je l'envoie ?"),
        "read back before it goes: {read_back}"
    );
    let sent = chat.say(DIRECT, CAMILLE, "oui");
    assert!(sent.contains("transmise anonymement"), "{sent}");
    let report = &chat.state.assembly.reports[&1];
    assert_eq!(report.text, "Un service ferme sans prévenir");
    assert!(report.anonymous);
}

/// Issue 18: a count reveals a vote when too few are counted. A ballot
/// with fewer than three electors does not open; a count of fewer than
/// three ballots is not published.
#[test]
fn a_secret_ballot_counts_nobody_out() {
    let mut chat = Chat::new();
    for person in [CAMILLE, YANN] {
        chat.say(ROOM, person, "!inscription");
    }
    let small = chat.say(ROOM, CAMILLE, "!scrutin Pour ou contre ? | Pour | Contre");
    assert!(small.contains("Scrutin secret #1 annulé"), "{small}");
    assert!(!small.contains("ouvert"), "one answer, not two: {small}");
    assert!(chat.state.assembly.ballots.is_empty());
    assert!(chat.state.assembly.electors.is_empty());
    // In a room without sign-ups, the members are listed first: too few,
    // and the ballot opened to wait for them is closed.
    chat.say(HUB, CAMILLE, "!scrutin Pour ou contre ? | Pour | Contre");
    let closed_at_once = chat.input(Input::Electorate {
        number: 1,
        members: vec![CAMILLE.into(), YANN.into(), BOT.into()],
    });
    assert!(closed_at_once.contains("annulé"), "{closed_at_once}");
    assert!(chat.state.assembly.ballots[&1].closed_at.is_some());
    let late = chat.say(DIRECT, YANN, "!voter 1 Pour");
    assert!(late.contains("est clos"), "{late}");

    chat.say(ROOM, "@lou:example.org", "!inscription");
    chat.say(ROOM, CAMILLE, "!scrutin Encore ? | Oui | Non");
    assert!(chat.state.assembly.ballots.contains_key(&2));
    chat.say(DIRECT, YANN, "!voter 2 Oui");
    chat.say(DIRECT, CAMILLE, "!voter 2 Non");
    let closed = chat.say(ROOM, CAMILLE, "!cloturer 2");
    assert!(closed.contains("Trop peu de bulletins"), "{closed}");
    assert!(closed.contains("2 bulletins sur 3 électeurs"), "{closed}");
    assert!(!closed.contains("voix"), "{closed}");
}

/// Issue 19, part 3: a command's name typed alone starts a dialogue in the
/// room, each answer checked and read back, « annuler » to stop; at the end
/// the command is made exactly as if typed in one line.
#[test]
fn a_command_typed_alone_is_written_question_by_question() {
    let mut chat = Chat::new();
    let transcript = chat.script(&[
        (ROOM, CAMILLE, "!reunion"),
        (ROOM, CAMILLE, "n'importe quand"),
        (ROOM, CAMILLE, "jeudi 18h"),
        (ROOM, YANN, "bonjour à tous"),
        (ROOM, CAMILLE, "Salle des fêtes | derrière la mairie"),
        (ROOM, CAMILLE, "passer"),
    ]);
    assert!(transcript.contains("Nouvelle réunion"), "{transcript}");
    assert!(transcript.contains("Quand ?"), "{transcript}");
    // A date not understood: said, and asked again.
    let after_bad = transcript.split_once("n'importe quand").unwrap().1;
    assert!(after_bad.contains("Quand ?"), "{transcript}");
    // Read back in full, then the next question.
    assert!(transcript.contains("Noté : jeudi"), "{transcript}");
    assert!(transcript.contains("Où ?"), "{transcript}");
    // Someone else's message is not an answer.
    let yann = transcript.split_once("bonjour à tous").unwrap().1;
    assert!(yann.trim_start().starts_with("> "), "{transcript}");
    assert!(transcript.contains("Quel sujet ?"), "{transcript}");
    // The meeting, as `!reunion jeudi 18h | Salle des fêtes, derrière la
    // mairie` would make it.
    let meeting = &chat.state.assembly.meetings[&1];
    assert_eq!(
        meeting.place.as_deref(),
        Some("Salle des fêtes, derrière la mairie")
    );
    assert_eq!(meeting.subject, None);
    assert!(chat.state.assembly.dialogues.is_empty());

    // A poll: options until « fini », two at least; « annuler » stops.
    let poll = chat.script(&[
        (ROOM, YANN, "!sondage"),
        (ROOM, YANN, "Quel thème pour la réunion publique ?"),
        (ROOM, YANN, "Santé"),
        (ROOM, YANN, "fini"),
        (ROOM, YANN, "santé"),
        (ROOM, YANN, "Logement"),
        (ROOM, YANN, "fini"),
    ]);
    assert!(poll.contains("Deuxième réponse possible ?"), "{poll}");
    assert!(poll.contains("au moins deux réponses"), "{poll}");
    assert!(poll.contains("déjà dans la liste"), "{poll}");
    let made: Vec<&Vec<String>> = chat
        .state
        .assembly
        .polls
        .values()
        .map(|poll| &poll.answers)
        .collect();
    assert_eq!(made, [&vec!["Santé".to_owned(), "Logement".to_owned()]]);
    let cancelled = chat.script(&[(ROOM, YANN, "!scrutin"), (ROOM, YANN, "annuler")]);
    assert!(cancelled.contains("rien n'a été créé"), "{cancelled}");
    assert!(chat.state.assembly.dialogues.is_empty());

    // What would read as a flag or a quote in one line is plain text.
    chat.script(&[
        (ROOM, CAMILLE, "!reunion"),
        (ROOM, CAMILLE, "jeudi 20h"),
        (ROOM, CAMILLE, "Mairie — salle 2 --fin demain"),
        (ROOM, CAMILLE, "« Budget"),
    ]);
    let second = chat.state.assembly.meetings.values().last().unwrap();
    assert_eq!(second.place.as_deref(), Some("Mairie salle 2 fin demain"));
    assert_eq!(second.subject.as_deref(), Some("Budget"));

    // An answer far too long is refused, not kept nor read back: the same
    // person pasting a page in a loop stores nothing.
    chat.say(ROOM, YANN, "!sondage");
    let long = chat.say(ROOM, YANN, &"Pourquoi ".repeat(2_000));
    assert!(long.contains("trop long"), "{long}");
    assert!(!long.contains("Pourquoi Pourquoi"), "{long}");
    let kept = &chat.state.assembly.dialogues[&(ROOM.to_owned(), YANN.to_owned())];
    assert!(kept.answers.is_empty());
    chat.say(ROOM, YANN, "annuler");

    // A reply (to someone, to a card) is no answer; « Fini ! » ends a list.
    chat.say(ROOM, YANN, "!sondage");
    let reply = chat.say_with(IncomingMessage {
        in_reply_to: Some("$someone".into()),
        ..message(ROOM, YANN, "Je suis d'accord")
    });
    assert_eq!(reply, "");
    chat.script(&[
        (ROOM, YANN, "On mange où ?"),
        (ROOM, YANN, "Crêperie"),
        (ROOM, YANN, "Pizzeria"),
        (ROOM, YANN, "Fini !"),
    ]);
    assert!(chat.state.assembly.dialogues.is_empty());

    // Left unanswered, a dialogue ends: said once, then messages are
    // ordinary again.
    chat.say(ROOM, YANN, "!creneaux");
    chat.now += chrono::Duration::minutes(16);
    let late = chat.say(ROOM, YANN, "Assemblée de rentrée");
    assert!(late.contains("Je n'attendais plus de réponse"), "{late}");
    assert_eq!(chat.say(ROOM, YANN, "Bonne soirée"), "");
}

/// Issue 19, part 3: `!remontee` typed alone in a theme room is asked
/// question by question, in private, for that theme.
#[test]
fn a_report_typed_alone_in_a_theme_room_is_asked_in_private() {
    let mut chat = deputy_chat();
    let started = chat.say(ROOM, YANN, "!remontee");
    assert!(started.contains("Je vous écris en privé"), "{started}");
    assert!(
        started.contains("(sonne) : Remontée pour le groupe Santé"),
        "{started}"
    );
    let asked = chat.say(DIRECT, YANN, "Le dispensaire ferme le mardi");
    assert!(asked.contains("Où cela se passe-t-il ?"), "{asked}");
    let anonymity = chat.say(DIRECT, YANN, "Plestin");
    assert!(
        anonymity.contains("Le salon vous a vu taper !remontee"),
        "{anonymity}"
    );
    let sent = chat.say(DIRECT, YANN, "oui");
    assert!(sent.contains("Remontée #1"), "{sent}");
    let report = &chat.state.assembly.reports[&1];
    assert_eq!(report.theme, "sante");
    assert!(!report.anonymous);
    assert_eq!(report.commune.as_deref(), Some("Plestin"));
}

/// Someone outside the assembly who brings the bot into a room of their
/// own (three people, so no direct chat) is a stranger there too: only
/// help, the themes and their own data, not the agenda nor a profile.
#[test]
fn a_stranger_in_a_room_of_their_own_is_a_stranger_too() {
    let mut chat = Chat::new();
    chat.say(ROOM, CAMILLE, "!reunion jeudi 18h | Local secret");
    let theirs = "!theirs:example.org";
    let stranger = |body: &str| IncomingMessage {
        sender_in_assembly: false,
        ..message(theirs, "@mallory:example.org", body)
    };
    let agenda = chat.say_with(stranger("!agenda"));
    assert!(
        agenda.contains("Je ne vous trouve dans aucun salon"),
        "{agenda}"
    );
    assert!(!agenda.contains("Local secret"), "{agenda}");
    let profile = chat.say_with(stranger("!profil commune Lannion"));
    assert!(
        profile.contains("Je ne vous trouve dans aucun salon"),
        "{profile}"
    );
    assert!(chat.state.assembly.profiles.is_empty());
    let help = chat.say_with(stranger("!aide"));
    assert!(!help.contains("Je ne vous trouve"), "{help}");
    // A member there is answered.
    let member = chat.say(theirs, YANN, "!agenda");
    assert!(!member.contains("Je ne vous trouve"), "{member}");
}
