# What boucle says, in English. Command names are added by the code (prefix +
# name); each command's help lives here as cmd-<French name>-*.

help-header = Commands available here
help-line = {$command}: {$summary}
help-upcoming = Coming soon: {$commands}
help-footer = Type !help followed by a command for details, for example "!help poll".
help-separators = On a phone, the "|" between the parts of a command can be replaced by ";" or a new line. Or type !meeting, !poll, !ballot or !slots alone: I ask one question at a time.
help-command-title = {$command} (or {$alias})
help-usage = Usage: {$usage}
help-example = Example: {$example}
help-not-yet = This command is coming soon: it is not in service yet.
help-not-for-you = This command is for coordinators and admins.
help-unknown-topic = I know no command "{$topic}".
did-you-mean = Did you mean {$command}?
see-help = Type !help to see the commands.
unknown-command = I don't know the command {$command}.
command-not-yet = {$command} is coming soon: it is not in service yet. Type !help to see what works today.

cmd-aide-summary = the list of commands, or details about one
cmd-aide-usage = !help [command]
cmd-aide-example = !help poll

cmd-themes-summary = the working groups, their rooms and next meetings
cmd-themes-usage = !themes
cmd-themes-example = !themes

cmd-inscription-summary = join a working group
cmd-inscription-usage = !join [theme]
cmd-inscription-example = !join housing

cmd-desinscription-summary = leave a working group
cmd-desinscription-usage = !leave [theme]
cmd-desinscription-example = !leave energy

cmd-membres-summary = the members of this group and who coordinates it
cmd-membres-usage = !members
cmd-membres-example = !members

cmd-profil-summary = what you choose to share: town, collective
cmd-profil-usage = !profile town <town> | !profile collective <name> | !profile
cmd-profil-example = !profile town Lannion

cmd-coordination-summary = name someone as a coordinator of the group
cmd-coordination-usage = !coordinator @person
cmd-coordination-example = !coordinator @camille:example.org

cmd-inviter-summary = invite a person or an association into this room
cmd-inviter-usage = !invite @person:server
cmd-inviter-example = !invite @housing-group:example.org

cmd-theme-summary = propose, create, archive or reactivate a theme
cmd-theme-usage = !theme propose <name> | !theme create <name> | !theme archive <theme>
cmd-theme-example = !theme propose Transport

cmd-soutenir-summary = support a proposed new theme
cmd-soutenir-usage = !support <number>
cmd-soutenir-example = !support 2

cmd-mesdonnees-summary = see everything boucle keeps about you
cmd-mesdonnees-usage = !mydata
cmd-mesdonnees-example = !mydata

cmd-oublier-summary = erase what boucle keeps about you
cmd-oublier-usage = !forget
cmd-oublier-example = !forget

cmd-sondage-summary = start a poll: the question, then one option per line
cmd-sondage-usage = !poll <question> then one option per line (or separated by |), 2 to 20 options; --multiple N, --until <date>, --hidden
cmd-sondage-example = !poll Which theme for the public meeting? | Health | Housing | Energy

cmd-vote-summary = vote in a poll without clicking
cmd-vote-usage = !vote <poll number> <choice>
cmd-vote-example = !vote 3 Housing

cmd-cloturer-summary = close a poll and publish the results
cmd-cloturer-usage = !close [number]
cmd-cloturer-example = !close 3

cmd-resultats-summary = the results of an open poll
cmd-resultats-usage = !results [number]
cmd-resultats-example = !results 3

cmd-sondages-summary = the open polls in this room
cmd-sondages-usage = !polls
cmd-sondages-example = !polls

cmd-scrutin-summary = start a secret ballot
cmd-scrutin-usage = !ballot <question> then one option per line; --quorum N, --until <date>, --multiple N
cmd-scrutin-example = !ballot Who represents us at the assembly? | Camille | Yann

cmd-voter-summary = vote in secret, in a direct chat with boucle
cmd-voter-usage = !cast <ballot number> <choice> (in private); !cast <number> alone, in a room: I write to you in private
cmd-voter-example = !cast 4 Camille

cmd-reunion-summary = announce a meeting
cmd-reunion-usage = !meeting <when> | <place> | <subject> (--private: not on the public agenda)
cmd-reunion-example = !meeting thursday 6:30pm | Community centre | Prepare the public meeting

cmd-annuler-summary = cancel a meeting
cmd-annuler-usage = !cancel <number>
cmd-annuler-example = !cancel 5

cmd-deplacer-summary = change a meeting's date
cmd-deplacer-usage = !move <number> <when>
cmd-deplacer-example = !move 5 friday 6pm

cmd-participe-summary = say you are coming to a meeting
cmd-participe-usage = !going [number]
cmd-participe-example = !going 5

cmd-absent-summary = say you are not coming
cmd-absent-usage = !notgoing [number]
cmd-absent-example = !notgoing 5

cmd-peutetre-summary = say you might come
cmd-peutetre-usage = !maybe [number]
cmd-peutetre-example = !maybe 5

cmd-participants-summary = who is coming to a meeting
cmd-participants-usage = !attendees [number]
cmd-participants-example = !attendees 5

cmd-rappels-summary = choose where you get meeting reminders
cmd-rappels-usage = !reminders room | dm | off
cmd-rappels-example = !reminders dm

cmd-agenda-summary = the next meetings
cmd-agenda-usage = !agenda [ics]
cmd-agenda-example = !agenda

cmd-creneaux-summary = find a date: propose time slots
cmd-creneaux-usage = !slots <subject> | <slot 1> | <slot 2> | …
cmd-creneaux-example = !slots Back-to-school meeting | tuesday 6pm | thursday 6:30pm

cmd-ag-summary = announce the quarterly general assembly
cmd-ag-usage = !assembly <when> | <place> | <agenda>
cmd-ag-example = !assembly 14 March 2pm | Town hall | Quarter review

cmd-remontee-summary = send a field report to the deputy's team
cmd-remontee-usage = !report <text> [--anonymous]
cmd-remontee-example = !report The 7:15 bus no longer stops at Kermaria since September

cmd-repondre-summary = answer a field report
cmd-repondre-usage = !reply <number> <text>
cmd-repondre-example = !reply 12 Written question filed, thank you!

cmd-statut-summary = change a field report's status
cmd-statut-usage = !status <number> received | in-progress | done | closed
cmd-statut-example = !status 12 in-progress

cmd-remontees-summary = the field reports, oldest waiting first
cmd-remontees-usage = !reports [open | <theme>]
cmd-remontees-example = !reports open

cmd-annonce-summary = announce parliamentary work in the rooms
cmd-annonce-usage = !announce [themes] <text>
cmd-annonce-example = !announce health,housing The bill is debated on Tuesday

cmd-intervenant-summary = propose a speaker or an association
cmd-intervenant-usage = !speaker <name> | <subject> | <contact>
cmd-intervenant-example = !speaker Clean Water Collective | water quality | contact@example.org

cmd-intervenants-summary = the proposed speakers
cmd-intervenants-usage = !speakers
cmd-intervenants-example = !speakers

# Printed in the terminal by `boucle run` without a configured homeserver.
demo-banner =
    boucle runs on a local Synapse, on this machine only.
      homeserver: {$url}
      user: {$user}
      password: {$password}
    Log in with a Matrix client (Element…), open the hub {$hub} and type !help there, then for example: !meeting thursday 6:30pm | Office | First item
    The public agenda, for people not on Matrix: {$site}
    boucle's log goes to {$log}. Ctrl-C stops.

## Common replies

problem-missing = Something is missing after {$command}.
problem-not-a-user-id = {$command} needs a person's Matrix id, starting with @ and containing ":" (for example @camille:example.org).
problem-not-a-number = {$command} needs a number.
problem-unknown-action = I don't understand what {$command} should do.
place-theme-only = {$command} is used in a working group's room.
place-hub-only = {$command} is used in the assembly's main room.
place-deputy-only = {$command} is used in the deputy team's room.
place-direct-only = {$command} is used in a private chat with me.
place-not-here = {$command} does nothing in this room. Type !help to see what works here.
refused-admins = {$command} is for the assembly's admins only.
refused-deputy-team = {$command} is for the deputy's team only.
refused-coordinators = {$command} is for the group's coordinators and admins only.

## Working groups

themes-none = There is no working group yet. Propose one in the main room: !theme propose <name>
themes-header = { $count ->
    [one] The working group
   *[other] The {$count} working groups
}
themes-line = {$theme} ({$slug}): { $members ->
    [0] nobody signed up yet
    [one] 1 member
   *[other] {$members} members
}
themes-line-member = {$theme} ({$slug}): { $members ->
    [one] 1 member
   *[other] {$members} members
}, including you
themes-dormant = Dormant: {$themes}
themes-footer = To join a group: !join <theme>, for example "!join housing".
themes-available = Themes: {$themes}
join-which-theme = Which group do you want to join? Type !join followed by the theme.
leave-which-theme = Which group do you want to leave? Type !leave followed by the theme.
theme-unknown = I don't know a theme "{$typed}".
theme-did-you-mean = Did you mean {$theme} ({$slug})?
theme-is-dormant = The {$theme} group is dormant. An admin can reactivate it: !theme reactivate {$slug}
theme-is-being-created = The {$theme} group's room is being created: try again in a moment.
join-already = You are already in the {$theme} group. Thank you!
join-done-here = Done: you are now in the {$theme} group. Welcome!
join-done-invited = Done: you are now in the {$theme} group. I am inviting you to its room: accept the invite to enter.
join-already-invited = You are already in the {$theme} group. I am inviting you to its room again, just in case.
join-done-no-room = Done: you are now in the {$theme} group. Its room is not reachable yet; an admin will see to it.
leave-not-member = You are not in the {$theme} group: nothing to do.
leave-done = Done: you are no longer in the {$theme} group. You may stay in the room or leave it, as you wish.
members-header = {$theme} group: { $count ->
    [0] no members
    [one] 1 member
   *[other] {$count} members
}
members-none = Nobody has signed up yet. Type !join to be the first.
members-line = • {$person}
members-line-coordinator = • {$person}, coordinator
members-line-coordinator-only = • {$person}, coordinator (not signed up)
profile-show = Your profile: town {$commune}, collective {$collective}. To change it: !profile town <town> or !profile collective <name>; to erase it: !profile clear
profile-empty = You have shared nothing. It is optional: you can give your town (!profile town Lannion) or your association or collective (!profile collective <name>).
profile-commune-set = Noted: town {$commune}.
profile-collective-set = Noted: collective {$collective}.
profile-visibility = Members of your groups see it with !members. To erase it: !profile clear
profile-cleared = Your profile is erased.
coordinator-appointed = {$person} now coordinates the {$theme} group.
coordinator-already = {$person} already coordinates the {$theme} group.
coordinator-not-appointed = {$person} was not named coordinator of the {$theme} group with !coordinator.
coordinator-removed = {$person} no longer coordinates the {$theme} group.
invite-refused = In this room, inviting needs level {$needed} and you have level {$level}: I cannot invite on your behalf. Ask the group's coordinators.
invite-bot-cannot = I am not allowed to invite in this room (level {$needed} is needed). A room admin can give it to me.
invite-done = I am inviting {$person} into this room.

## New themes

theme-create-admins-only = Only an admin can create a theme directly. Propose it, and it is created once enough people support it: !theme propose {$name}
theme-archive-admins-only = Only an admin can archive or reactivate a theme.
theme-name-too-short = This theme name is too short: give at least two letters, for example "!theme propose Transport".
theme-exists = The {$theme} theme already exists: to join it, !join {$slug}
proposal-exists = This theme is already proposed (proposal #{$number}, "{$name}"): to support it, !support {$number}
proposal-opened = Proposal #{$number}: "{$name}". To support it: !support {$number}. The theme is created at {$needed} supporters (1 so far).
proposal-expired = Proposal #{$number} "{$name}" was closed for lack of support in time. You can propose it again: !theme propose {$name}
proposal-unknown = There is no proposal #{$number}.
proposals-open = Open proposals: {$proposals}
proposal-already-supported = You already support proposal #{$number} ({$count} supporters so far).
proposal-supported = Thank you! Proposal #{$number} "{$name}" has {$count} supporters out of {$needed}.
theme-creating = The {$theme} theme is created: I am preparing its room and inviting the people who supported it.
theme-room-topic = The Assemblée populaire's {$theme} working group. Type !help to see the commands.
theme-created-hub = The {$theme} group has its room. To join it: !join {$slug}
theme-already-dormant = The {$theme} group is already dormant.
theme-already-active = The {$theme} group is already active.
theme-archived = The {$theme} group is now dormant: its room leaves the assembly's Space. Nothing is erased; to reactivate it: !theme reactivate {$slug}
theme-reactivated = The {$theme} group is active again and back in the assembly's Space.
theme-archived-summary = The assembly has made the {$theme} group dormant. { $members ->
    [0] It had no signed-up members.
    [one] Its signed-up member and its data are kept.
   *[other] Its {$members} signed-up members and its data are kept.
} An admin can reactivate it.
theme-reactivated-summary = The {$theme} group is active again. Welcome back!
welcome = Welcome {$person} to the {$theme} group!
welcome-how = Type !join to join the group and !help to see what I can do.
welcome-signed-up = You are signed up to the group. Type !help to see what I can do.

## Your data

my-data-direct-only = I am writing to you in private: your data is only shown in an encrypted chat between you and me ({$bot}).
my-data-unencrypted = This chat is not encrypted: your data would be readable on the server. I am sending it to you in an encrypted private chat with me ({$bot}).
my-data-nothing = I keep nothing about you.
my-data-header = What I keep about you ({$count} { $count ->
    [one] item
   *[other] items
}):
my-data-footer = The details are in the attached file. To erase everything: !forget
data-membership = member of the {$theme} group since {$since}
data-membership-left = former member of the {$theme} group, left on {$left}
data-coordination = coordinator of the {$theme} group since {$since}
data-coordination-appointed = you named {$person} coordinator of the {$theme} group
data-profile = profile: town {$commune}, collective {$collective}
data-proposal-proposed = you proposed theme #{$number} "{$name}"
data-proposal-supported = you supported theme #{$number} "{$name}"
data-welcome = welcomed in the {$theme} room on {$at}
forget-nothing = I keep nothing about you: there is nothing to erase.
forget-confirm = I will erase everything I keep about you ({$count} { $count ->
    [one] item
   *[other] items
}: sign-ups, profile…). What belongs to the group's history stays, without your name: the results of closed polls, for instance.
forget-how-to-confirm = To confirm, type: !forget confirm
forget-open-votes-will = Your votes in polls still open will be withdrawn: they will no longer count, and you may vote again if you wish.
forget-open-votes-done = Your votes in polls still open are withdrawn: they no longer count, and you may vote again if you wish.
forget-open-ballots-will = In secret ballots under way you will no longer be able to vote; a ballot already cast will stay in the box, without your name.
forget-open-ballots-done = In secret ballots under way you can no longer vote; a ballot already cast stays in the box, without your name.
forget-done = Done: {$count} { $count ->
    [one] item
   *[other] items
} about you { $count ->
    [one] is
   *[other] are
} erased. You can sign up again whenever you like.

## The assembly's Space

space-name = Assemblée populaire
space-topic = The Assemblée populaire's rooms: the main room and one room per working group.

## Polls

problem-no-question = The question is missing: write it right after !poll, then one option per line.
problem-option-count = A poll has {$min} to {$max} options, and I count {$found}. Put one option per line (or separate them with |).
problem-bad-flag = I don't know the option {$flag} of {$command}, or its value is missing.
problem-too-long = That is too long for {$command}: {$max} characters at most. Make it shorter, or split it over several messages.
problem-field-too-long = One item of {$command} is too long (a question, an option, a place…): {$max} characters at most each.
problem-repeat-too-rare = A meeting repeats at most once a year: --every {$weeks} weeks or --every {$months} months at most.
problem-reminder-too-early = A reminder goes at most {$days} days before the meeting (for example --reminders 7d,1h).
problem-too-many-reminders = At most {$max} reminders per meeting (for example --reminders 2d,1h).
poll-too-large = This poll is too long to be sent: shorten the question or the options.
poll-created = Poll #{$number} is open: vote by clicking on the poll, or type !vote {$number} followed by your choice.
poll-created-multiple = Up to {$max} choices per person.
poll-created-until = Closes automatically on {$date}.
poll-created-hidden = Results stay hidden until it closes.
poll-unknown = There is no poll #{$number} in this room. Type !polls to see the open ones.
poll-none-here = There is no open poll in this room.
poll-closed = Poll #{$number} is closed. Type !results {$number} to see its results.
poll-close-refused = Only the person who started poll #{$number}, the coordinators and the admins can close it.
poll-closing = Closing poll #{$number}: I am counting every vote and will publish the results.
vote-unknown-choice = "{$choice}" is not one of the options.
vote-options = Options: {$options}
vote-too-many = This poll allows at most {$max} choices.
vote-recorded = Noted: in poll #{$number}, you vote {$choices}. You can change your mind while it is open.
poll-results-now = Results so far of poll #{$number} "{$question}" ({ $voters ->
    [one] {$voters} voter
   *[other] {$voters} voters
}):
poll-results-final = Results of poll #{$number} "{$question}" ({ $voters ->
    [one] {$voters} voter
   *[other] {$voters} voters
}):
poll-results-line = • {$answer}: { $votes ->
    [one] {$votes} vote
   *[other] {$votes} votes
} ({$percent} %)
poll-results-spoiled = { $count ->
    [one] 1 spoiled vote (unknown option)
   *[other] {$count} spoiled votes (unknown option)
}
poll-results-no-votes = Nobody voted.
poll-results-winner = Ahead: {$answer}
poll-results-tie = Tie between: {$answers}
poll-results-hidden = The results of poll #{$number} are hidden until it closes. { $voters ->
    [0] Nobody has voted yet.
    [one] 1 person has voted.
   *[other] {$voters} people have voted.
}
polls-none = No open poll in this room. To start one: !poll <question> then one option per line.
polls-header = { $count ->
    [one] The poll open here
   *[other] The {$count} polls open here
}
polls-line = #{$number} "{$question}": { $voters ->
    [one] 1 voter
   *[other] {$voters} voters
}
polls-line-until = #{$number} "{$question}": { $voters ->
    [one] 1 voter
   *[other] {$voters} voters
}, closes on {$date}
data-poll-author = you started poll #{$number} "{$question}"
data-vote = vote in poll #{$number} "{$question}": {$choices}

## Dates

date-not-understood = I don't understand the date "{$typed}".
date-past = The date "{$typed}" has already passed.
date-inconsistent = The date "{$typed}" does not exist or does not match the day given.
date-too-far = The date "{$typed}" is too far ahead: ten years at most.
date-examples = For example: "tomorrow 8pm", "thursday 6:30pm", "december 3 at 18:30", "3/12 18:30" (day/month), "in 2 weeks".
date-full = {$weekday} {$day} {$month} {$year} at {$hours}:{$minutes}
date-full-hour = {$weekday} {$day} {$month} {$year} at {$hours}:00
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

## Secret ballots

ballot-opened = Secret ballot #{$number}: {$question}
ballot-option = {$index}. {$answer}
ballot-how = To vote, type "!cast {$number}" here: I will write to you in private (or write to me directly, {$bot}: !cast {$number} followed by your choice). Your choice is never kept with your name. { $electorate ->
    [one] 1 person may vote.
   *[other] {$electorate} people may vote.
}
ballot-quorum = Quorum: {$quorum} ballots.
ballot-preparing-room = Preparing secret ballot #{$number}: I am listing the room's members, who may vote.
ballot-preparing-members = Secret ballot #{$number} is open to the group's {$electorate} signed-up members.
ballot-unknown = There is no ballot #{$number}.
ballot-closed = Ballot #{$number} is closed.
ballot-not-ready = Ballot #{$number} is still being prepared: try again in a moment.
ballot-not-elector = You are not on the list of voters of ballot #{$number}, drawn up when it opened.
ballot-already-voted = You have already voted in ballot #{$number}. A secret ballot cannot be changed.
ballot-cast = Your ballot is in the box of ballot #{$number}. It is secret: I do not keep your choice with your name. I cannot erase your message here: delete it yourself (long press, Remove).
ballot-cast-erased = Your ballot is in the box of ballot #{$number}. It is secret: I do not keep your choice with your name, and I am erasing your message from the server.
ballot-unencrypted = Vote not counted: this chat is not encrypted, so your choice would be readable on the server. { $erased ->
    [1] I have erased your message.
   *[0] Delete your message (long press, Remove).
} I am writing to you in an encrypted private chat with me ({$bot}): that is where you vote.
ballot-vote-in-room = Vote not counted: everyone in this room sees this message. { $erased ->
    [1] I have erased it.
   *[0] Delete it (long press, Remove).
} I am writing to you in private, in an encrypted chat with me ({$bot}): that is where you vote, your choice stays secret.
ballot-going-private = I am writing to you in private about ballot #{$number}: that is where you vote, your choice stays secret.
ballot-not-offered = You cannot vote in ballot #{$number} (any more): you are not on its list of voters, drawn up when it opened, or you have voted already.
ballot-unknown-choice = That choice is not one of the answers.
ballot-refused-erased = { $erased ->
    [1] I have erased your message: it held a choice.
   *[0] Delete your message (long press, Remove): it holds a choice.
}
ballot-vote-here = Vote here: !cast {$number} followed by the number of your choice. Your choice is never kept with your name, and I erase your message from the server.
ballot-closing = Closing ballot #{$number} and publishing the results.
ballot-results = Results of secret ballot #{$number} "{$question}":
ballot-turnout = Turnout: { $ballots ->
    [one] {$ballots} ballot
   *[other] {$ballots} ballots
} out of { $electorate ->
    [one] {$electorate} voter
   *[other] {$electorate} voters
} ({$percent} %).
ballot-too-few-electors = Secret ballot #{$number} cancelled: { $electorate ->
    [one] {$electorate} person could vote
   *[other] {$electorate} people could vote
}, and it takes at least {$min} for the count to reveal nobody's choice. Open it in a larger group, or vote openly with !poll.
ballot-too-few-ballots = Too few ballots to publish the count: it takes at least {$min}, or it would reveal each person's choice. The result is not published.
ballot-quorum-met = Quorum of {$quorum} reached.
ballot-quorum-missed = Quorum of {$quorum} not reached: the result is not a decision.
ballot-turnout-open = Secret ballot #{$number}: { $ballots ->
    [one] {$ballots} ballot
   *[other] {$ballots} ballots
} out of { $electorate ->
    [one] {$electorate} voter
   *[other] {$electorate} voters
} so far. Results are published when it closes.
polls-line-ballot = #{$number} "{$question}": secret ballot, vote in a private chat
data-ballot-author = you started secret ballot #{$number} "{$question}"
data-elector = voter in secret ballot #{$number} (not voted yet)
data-elector-voted = voter in secret ballot #{$number} (voted; your choice is not kept with your name)

## Meetings

meeting-announced = Meeting #{$number}: {$date}
meeting-place = Place: {$place}
meeting-subject = Subject: {$subject}
meeting-video = Video: {$link}
meeting-every-week = Every week, at the same time.
meeting-every-weeks = Every {$every} weeks, at the same time.
meeting-every-month = Every month, at the same time.
meeting-every-months = Every {$every} months, at the same time.
meeting-how-to-answer = React to this message: ✅ I'm coming, 🤔 maybe, ❌ I'm not coming (or type !going {$number}).
meeting-needs-time = At what time? "{$typed}" gives a day without a time: for example "thursday 6:30pm".
meeting-bad-link = The video link must start with https://
meeting-unknown = There is no meeting #{$number} here. Type !agenda to see the next ones.
meeting-none-here = No upcoming meeting in this room. To announce one: !meeting thursday 6:30pm | place | subject
meeting-manage-refused = Only the person who organised meeting #{$number}, the coordinators and the admins can change it.
meeting-already-cancelled = Meeting #{$number} is cancelled.
meeting-cancelled = Meeting #{$number} on {$date} is cancelled.
meeting-cancel-done = Done: meeting #{$number} cancelled, the people who were coming are told.
meeting-moved = Meeting #{$number} has moved: no longer on {$before} but on {$date}.
meeting-move-done = Done: meeting #{$number} moved, the people who were coming are told.
rsvp-going = Noted: you are coming to meeting #{$number} ({$date}).
rsvp-maybe = Noted: you may come to meeting #{$number} ({$date}).
rsvp-not-going = Noted: you are not coming to meeting #{$number} ({$date}).
attendees-elsewhere = Meeting #{$number} belongs to another room: type !attendees {$number} in that room.
attendees-header = Meeting #{$number}, {$date}
attendees-going = Coming ({$count}):
attendees-maybe = Maybe ({$count}):
attendees-not-going = Not coming ({$count}):
attendees-none = Nobody has answered yet. React ✅ 🤔 ❌ on the announcement or type !going {$number}.
reminder = Reminder: meeting #{$number}, {$date}
reminder-direct-how = (Your reminders come here. To get them in the group's room: !reminders room; to get none: !reminders off.)
reminder-late = Late reminder: meeting #{$number}, {$date}
reminders-room = Your meeting reminders come in the group's room, with a mention, without ringing your phone.
reminders-direct = Your meeting reminders, and meetings cancelled or moved, come in a private chat, with a notification.
reminders-off = You no longer get meeting reminders.
reminders-how = To change: !reminders room, !reminders dm or !reminders off.
agenda-empty = No upcoming meeting. To announce one: !meeting thursday 6:30pm | place | subject
agenda-header = { $count ->
    [one] The next meeting
   *[other] The next {$count} meetings
}
agenda-line = #{$number} {$date}: {$theme}, {$place} ({ $going ->
    [0] nobody said they are coming yet
    [one] 1 person coming
   *[other] {$going} people coming
})
agenda-hub = assembly
agenda-more = … and {$count} more.
data-meeting-organiser = you organise meeting #{$number} on {$date}
data-rsvp = answer to meeting #{$number}: {$answer}
data-reminder-choice = meeting reminders: {$choice}
ics-summary = Meeting {$group}
ics-summary-subject = Meeting {$group}: {$subject}
agenda-file = Here is the calendar of { $count ->
    [one] the next meeting
   *[other] the next {$count} meetings
}: tap the file to add it to your calendar.
agenda-file-private = I am sending you in private the calendar of { $count ->
    [one] the next meeting
   *[other] the next {$count} meetings
}: tap the file to add it to your calendar.

## Slots

problem-slot-count = Propose 2 to 10 slots (I count {$found}), separated by | or one per line.
slots-opened = Slots #{$number} "{$subject}": react on each line below, ✅ yes, 🤔 if need be, ❌ no. To choose: !slots close {$number}
slots-line = Slots #{$number}, no. {$index}: {$date}
slots-unknown = There are no slots #{$number} in this room.
slots-none-here = No date being chosen in this room. To start: !slots <subject> | <slot 1> | <slot 2>
slots-closed = Slots #{$number} are already closed.
slots-close-refused = Only the person who proposed slots #{$number}, the coordinators and the admins can choose.
slots-no-answer = Nobody has answered yes or if need be to an upcoming slot of slots #{$number} yet.
slots-chosen = Slot chosen for slots #{$number}: {$date} ({$yes} yes, {$maybe} if need be).
data-slot-answer = answer to slot no. {$index} of slots #{$number}
assembly-none-scheduled = No general assembly is planned in the next three months. To announce it, in the main room: !assembly <when> | <place> | <agenda>
themes-next-meeting = {" "}; next meeting on {$date}

## Field reports

report-no-deputy-room = The deputy team's room is not configured: I cannot pass anything on yet. Tell an admin.
report-deputy-room-not-encrypted = Not passed on: this room is encrypted and the deputy team's room is not, so your message would leave it in clear. The team must turn on encryption in its room.
report-card-title = Report #{$number}, {$theme} group
report-card-anonymous = Author: anonymous (the answer will reach them)
report-card-author = Author: {$person}
report-card-commune = Town: {$commune}
report-card-link = {$link} · To answer: reply to this message or type !reply {$number} <text>
report-card-link-text = see the message
report-sent = Report #{$number} passed on to the deputy's team. You will be told of their answer here.
report-sent-anonymous = Report #{$number} passed on anonymously to the deputy's team: your name is not on it. You will be told of their answer here.
report-sent-private = Report #{$number} passed on to the deputy's team. Their answer will reach you in a private message: this room is not encrypted and theirs is.
report-sent-anonymous-private = Report #{$number} passed on anonymously to the deputy's team: your name is not on it. Their answer will reach you in a private message.
report-unknown = There is no report #{$number}.
report-answer = The deputy team's answer to report #{$number}: {$text}
report-answered = Answer to report #{$number} posted in the group's room.
report-status-new = new
report-status-received = received
report-status-in-progress = in progress
report-status-handled = handled
report-status-closed = closed
report-status-same = Report #{$number} is already "{$status}".
report-status-set = Report #{$number}: status "{$status}".
report-status-told = Your report #{$number} is now "{$status}" for the deputy's team.
reports-none = No reports.
reports-header = { $count ->
    [one] 1 report
   *[other] {$count} reports
}, oldest waiting first:
reports-line = #{$number} {$theme}, {$status}, from {$date}: {$text}
data-report = report #{$number} ({$theme}): {$text}

cmd-digest-summary = the week's summary for the team, right now
cmd-digest-usage = !digest
cmd-digest-example = !digest

## Announcements, speakers, digest

announce-header = 📣 Parliamentary work: news from the deputy's team
announce-done = Announcement sent to { $count ->
    [one] 1 room
   *[other] {$count} rooms
}.
announce-unknown-themes = I don't know all these themes: "{$themes}". Type !announce then the text for every room, or themes separated by commas then the text (for example "!announce health,housing …").
speaker-added = Noted: speaker #{$number}, {$name}. The deputy's team will see it in its digest.
speakers-none = No speaker proposed for this group. To propose one: !speaker <name> | <subject> | <contact>
speakers-header = { $count ->
    [one] 1 speaker proposed
   *[other] {$count} speakers proposed
}
speakers-line = #{$number} {$name}: {$subject} ({$contact})
digest-title = Assembly digest, from {$since} to {$until}
digest-quiet = Nothing new over the period.
digest-new-reports = New reports ({$count})
digest-report-line = {$theme}: #{$number} {$text}
digest-waiting = { $count ->
    [one] 1 report is waiting for an answer
   *[other] {$count} reports are waiting for an answer
}, the oldest (#{$number}) for { $days ->
    [0] less than a day
    [one] 1 day
   *[other] {$days} days
}.
digest-polls = Polls ({$open} open)
digest-poll-line = closed: #{$number} "{$question}", {$voters} voters, ahead: {$result}
digest-meetings = Meetings in the next 14 days
digest-meeting-line = #{$number} {$date}, {$group}: {$going} coming
digest-members = Members
digest-members-line = {$theme}: +{$joined} / −{$left}
digest-speakers = Speakers proposed
digest-speaker-line = {$theme}: {$name} ({$subject})
digest-themes = Themes
digest-theme-proposed = proposed: {$name}
digest-theme-archived = made dormant: {$name}
digest-missed = Missed reminders (boucle was stopped)
digest-missed-line = meeting #{$number}, reminder due on {$due}
data-speaker = speaker #{$number} proposed: {$name}
report-status-withdrawn = withdrawn
report-edited = Report #{$number} edited by its author:
report-updated = Report #{$number} updated for the deputy's team.
report-withdrawn = Report #{$number} withdrawn: its message was deleted.
draft-which-theme = Let's pass this on together. For which working group? Answer with its name (or "cancel" at any time).
draft-what = What is happening? Describe it in one message.
draft-where = Where is it happening? Give the town, or answer "skip".
draft-name-or-not = Do you want your name given to the deputy's team? Answer "yes" or "no".
draft-cancelled = Dropped: nothing was passed on.
report-card-anonymous-answer = To answer: reply to this message or type !reply {$number} <text>
report-card-private = Written in a private chat. To answer: reply to this message or type !reply {$number} <text>
data-report-answer = the team's answer to report #{$number}: {$text}
data-report-status = status of report #{$number} set to "{$status}"
data-report-draft = a report being written in a private chat
ballot-close-refused = Only the person who started ballot #{$number}, the coordinators and the admins can close it.
data-slot-poll = you proposed slots #{$number} "{$subject}"

flood-notice = Easy: you are sending a lot of commands at once. I will answer again in {$seconds} seconds; commands sent until then are ignored.
handling-failed = Sorry, I could not handle this command: the mistake is mine, not yours. It is logged for the people who look after me; you can carry on using me.

## What the homeserver refuses for good

room-hub = main room
room-deputy = deputy team's room
undeliverable-room = I could not send a message or do an action in the room {$room}.
direct-chats-waiting = The Matrix server makes me wait before opening each new private chat (Synapse, by default: one a minute after ten): reminders, answers or requested data arrive late. Nothing is lost. To lift this limit for my account, see deploy/README.md ("Lift Synapse's rate limits").
undeliverable-direct = I could not write privately to someone.
undeliverable-creation = I could not create the room of a new group.
undeliverable-too-large = The homeserver finds it too large.
undeliverable-forbidden = The homeserver says I am not allowed to (power level, ban or private room).
undeliverable-not-in-room = I am no longer in that room: I was removed or banned. I no longer write there until someone invites me back.
undeliverable-not-found = The homeserver cannot find that room or person.
undeliverable-invalid = The homeserver refused it as invalid.
undeliverable-after = I set it aside and carry on with what follows. I tell you at most once a day for the same room.
direct-stranger = Hello! I cannot find you in any of the assembly's rooms: I cannot sign you up or pass on a report yet. To join us, ask someone in the assembly to invite you into the {$hub}. Meanwhile, !themes lists the working groups.
cap-person = You already have {$max} of them under way in this room: that is the most. Close (or cancel) one first.
cap-room = This room already has {$max} of them under way: that is the most. Close (or cancel) some first.
alias-squatted = The address {$alias}, which I wanted for a room I create, already belongs to someone else's room: I did not take that room over, and created mine under {$instead}. Check who took that address.
report-answered-private = Answer to report #{$number} sent to its author, in a private message.
report-anonymous-in-room = Not passed on: in this room everyone sees who writes, even "anonymous". { $erased ->
    [1] I erased your message.
   *[0] Delete your message (long press, Delete).
} I am writing to you in private: that is where a report stays anonymous.
draft-anonymous-for = Anonymous report for the {$theme} group: the deputy's team will not see your name.
draft-confirm-again = Answer "yes" to send it, "rewrite" to say it in other words, or "cancel" to drop it.
draft-confirm-seen = Your anonymous report for the {$theme} group: "{$text}". Beware: the room's members may have read it before it was erased; if members of the deputy's team are there, they can link it to you. Shall I send it as it is, without your name? Answer "yes", "rewrite" to say it in other words, or "cancel".
draft-clear-chat = { $typed ->
    [1] Not taken: this chat is not encrypted, the server can read it. { $erased ->
        [1] I have erased your message.
       *[0] Delete your message (long press, Remove).
    }
   *[0] This chat is not encrypted, the server can read it.
} I am writing to you in an encrypted private chat: let us go on there.
help-report-private = To stay anonymous, write to me in a private message (or type !report --anonymous here and I will write to you): I guide you, and nobody sees it is you.
report-anonymous-go-private = I am writing to you in private: that is where a report stays anonymous.
report-answer-not-carried = Answer to report #{$number} recorded but not passed on: this room is encrypted, the one it was written in is not, and its author erased their data (I can no longer write to them in private).
announce-none-carried = Announcement not sent: { $count ->
    [one] the room it would go to is not encrypted
   *[other] the {$count} rooms it would go to are not encrypted
}, and this room is; it would leave it in clear.
announce-not-carried = Not in { $count ->
    [one] 1 room that is not encrypted
   *[other] {$count} rooms that are not encrypted
}: this room is, and the announcement would leave it in clear.
digest-left-out = { $count ->
    [one] 1 item from an encrypted room is left out
   *[other] {$count} items from encrypted rooms are left out
} here: this room is not encrypted.
agenda-not-carried = { $count ->
    [one] 1 meeting from an encrypted room is not shown
   *[other] {$count} meetings from encrypted rooms are not shown
} here: this room is not encrypted.
reports-not-carried = { $count ->
    [one] 1 report from an encrypted room is not shown
   *[other] {$count} reports from encrypted rooms are not shown
} here: this room is not encrypted.
dialogue-start-meeting = New meeting: I will ask one question at a time. Answer here, one message each ("cancel" to stop).
dialogue-start-poll = New poll: I will ask one question at a time. Answer here, one message each ("cancel" to stop).
dialogue-start-ballot = New secret ballot: I will ask one question at a time. Answer here, one message each ("cancel" to stop).
dialogue-start-slots = Let us find a date: I will ask one question at a time. Answer here, one message each ("cancel" to stop).
dialogue-when = When? For example "thursday 6pm" or "12 january 2:30pm".
dialogue-place = Where? An address, a room or a video link.
dialogue-subject = What about? (or "skip")
dialogue-poll-question = What is the question?
dialogue-first-option = First possible answer?
dialogue-second-option = Second possible answer?
dialogue-next-option = Next answer? (or "done" if that is all)
dialogue-slot-subject = What is the date for?
dialogue-first-slot = First slot to propose? For example "monday 6pm".
dialogue-second-slot = Second slot?
dialogue-next-slot = Next slot? (or "done" if that is all)
dialogue-noted = Noted: "{$answer}".
dialogue-noted-date = Noted: {$date}.
dialogue-need-two = It takes two answers at least: give another one.
dialogue-empty = I received nothing.
dialogue-twice = That is already in the list.
dialogue-cancelled = Dropped: nothing was created.
data-dialogue = a command being written, question by question
draft-for = Report for the {$theme} group: I will ask one question at a time ("cancel" at any time). You will choose at the end whether your name is given.
report-go-private = I am writing to you in private: I will ask one question at a time, and you will choose whether your name is given.
web-site-name = The People's Assembly's agenda
web-intro = The assembly's working groups, open to everyone: when and where they meet.
web-general-assembly = General assembly
web-members = { $count ->
    [0] No member signed up yet.
    [one] 1 member signed up.
   *[other] {$count} members signed up.
}
web-no-meeting = No meeting announced yet.
web-no-group = No group is public yet.
web-meetings = Next meetings
web-place = Place:
web-video = Join by video
web-join = Join the {$group} group
web-how-to-join = The group talks on Matrix, a free messaging network. Install the Element app (Android, iPhone or computer), create an account, then tap "Join".
web-calendar = In your calendar
web-subscribe = Subscribe to the calendar
web-feed-copy = Or copy this address:
web-feed-iphone = iPhone: Settings, Calendar, Accounts, Add Account, Other, Add Subscribed Calendar, then paste the address.
web-feed-android = Android (Google Calendar): on calendar.google.com, Other calendars, "+", From URL, then paste the address.
web-feed-thunderbird = Thunderbird: Calendar, New Calendar, On the Network, then paste the address.
web-footer = Page published by boucle, the assembly's bot. Nobody is named here: only numbers.
web-not-found = This page does not exist
web-back-home = Back to the agenda
web-meeting-title = Meeting of the {$group} group
web-cancelled = This meeting is cancelled.
web-add-to-calendar = Add to my calendar (.ics file)
web-all-meetings = All the meetings of the {$group} group
dialogue-expired = I was no longer waiting for an answer: dropped. Type the command again to start over.
dialogue-need-two-slots = It takes two slots at least: propose another one.
draft-confirm-anonymous = Your anonymous report for the {$theme} group: "{$text}". The deputy's team will get it without your name, and its answer will reach you here. Shall I send it? Answer "yes", "rewrite" to say it in other words, or "cancel".
draft-name-or-not-seen = Do you want your name given to the deputy's team? Answer "yes" or "no". The room saw you type !report: if members of the team are there, an anonymous report arriving now may make them think of you.
report-erased = { $erased ->
    [1] I have erased your message.
   *[0] Delete your message (long press, Remove).
}
dialogue-too-long = That is too long: {$max} characters at most per answer.
