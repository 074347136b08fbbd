# What boucle says, in English. Command names are added by the code (prefix +
# name); each command's help lives here as cmd-<French name>-*.

help-header = Commands available here
help-line = {$command}: {$summary}
help-upcoming = Coming soon: {$commands}
help-footer = Type !help followed by a command for details, for example "!help poll".
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
cmd-scrutin-usage = !ballot <question> then one option per line
cmd-scrutin-example = !ballot Who represents us at the assembly? | Camille | Yann

cmd-voter-summary = vote in secret, in a direct chat with boucle
cmd-voter-usage = !cast <ballot number> <choice>
cmd-voter-example = !cast 4 Camille

cmd-reunion-summary = announce a meeting
cmd-reunion-usage = !meeting <when> | <place> | <subject>
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
cmd-agenda-usage = !agenda
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
    Log in with a Matrix client (Element…) and type !help in a room. Ctrl-C stops.
