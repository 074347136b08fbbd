# Ce que boucle dit, en français. Les noms de commandes sont ajoutés par le code
# (préfixe + nom), les textes d'aide de chaque commande sont ici : cmd-<nom>-*.

help-header = Commandes disponibles ici
help-line = {$command} : {$summary}
help-upcoming = Bientôt : {$commands}
help-footer = Tapez !aide suivi d'une commande pour le détail, par exemple « !aide sondage ».
help-separators = Sur un téléphone, le « | » entre les parties d'une commande peut se remplacer par « ; » ou par un retour à la ligne. Ou tapez !reunion, !sondage, !scrutin ou !creneaux seul : je pose les questions une à une.
help-command-title = {$command} (ou {$alias})
help-usage = Utilisation : {$usage}
help-example = Exemple : {$example}
help-not-yet = Cette commande arrive bientôt : elle n'est pas encore en service.
help-not-for-you = Cette commande est réservée aux coordinations et aux admins.
help-unknown-topic = Je ne connais pas de commande « {$topic} ».
did-you-mean = Vouliez-vous dire {$command} ?
see-help = Tapez !aide pour voir les commandes.
unknown-command = Je ne connais pas la commande {$command}.
command-not-yet = {$command} arrive bientôt : cette commande n'est pas encore en service. Tapez !aide pour voir ce qui marche déjà.

cmd-aide-summary = la liste des commandes, ou le détail de l'une d'elles
cmd-aide-usage = !aide [commande]
cmd-aide-example = !aide sondage

cmd-themes-summary = les groupes de travail, leur salon et leur prochaine réunion
cmd-themes-usage = !themes
cmd-themes-example = !themes

cmd-inscription-summary = s'inscrire à un groupe de travail
cmd-inscription-usage = !inscription [thème]
cmd-inscription-example = !inscription logement

cmd-desinscription-summary = quitter un groupe de travail
cmd-desinscription-usage = !desinscription [thème]
cmd-desinscription-example = !desinscription energie

cmd-membres-summary = les membres de ce groupe et qui le coordonne
cmd-membres-usage = !membres
cmd-membres-example = !membres

cmd-profil-summary = ce que vous choisissez de partager : commune, collectif
cmd-profil-usage = !profil commune <ville> | !profil collectif <nom> | !profil
cmd-profil-example = !profil commune Lannion

cmd-coordination-summary = nommer une personne à la coordination du groupe
cmd-coordination-usage = !coordination @personne
cmd-coordination-example = !coordination @camille:exemple.fr

cmd-inviter-summary = inviter une personne ou une association dans ce salon
cmd-inviter-usage = !inviter @personne:serveur
cmd-inviter-example = !inviter @asso-logement:exemple.fr

cmd-theme-summary = proposer, créer, archiver ou réactiver un thème
cmd-theme-usage = !theme proposer <nom> | !theme creer <nom> | !theme archiver <thème>
cmd-theme-example = !theme proposer Transports

cmd-soutenir-summary = soutenir la proposition d'un nouveau thème
cmd-soutenir-usage = !soutenir <numéro>
cmd-soutenir-example = !soutenir 2

cmd-mesdonnees-summary = voir tout ce que boucle garde sur vous
cmd-mesdonnees-usage = !mesdonnees
cmd-mesdonnees-example = !mesdonnees

cmd-oublier-summary = effacer ce que boucle garde sur vous
cmd-oublier-usage = !oublier
cmd-oublier-example = !oublier

cmd-sondage-summary = lancer un sondage : la question, puis une option par ligne
cmd-sondage-usage = !sondage <question> puis une option par ligne (ou séparées par |), de 2 à 20 options ; --plusieurs N, --jusqu'au <date>, --resultats-caches
cmd-sondage-example = !sondage Quel thème pour la réunion publique ? | Santé | Logement | Énergie

cmd-vote-summary = voter à un sondage sans cliquer
cmd-vote-usage = !vote <numéro du sondage> <choix>
cmd-vote-example = !vote 3 Logement

cmd-cloturer-summary = clore un sondage et publier les résultats
cmd-cloturer-usage = !cloturer [numéro]
cmd-cloturer-example = !cloturer 3

cmd-resultats-summary = les résultats d'un sondage en cours
cmd-resultats-usage = !resultats [numéro]
cmd-resultats-example = !resultats 3

cmd-sondages-summary = les sondages ouverts dans ce salon
cmd-sondages-usage = !sondages
cmd-sondages-example = !sondages

cmd-scrutin-summary = lancer un vote à bulletin secret
cmd-scrutin-usage = !scrutin <question> puis une option par ligne ; --quorum N, --jusqu'au <date>, --plusieurs N
cmd-scrutin-example = !scrutin Qui pour nous représenter à l'AG ? | Camille | Yann

cmd-voter-summary = voter en secret, en message privé avec boucle
cmd-voter-usage = !voter <numéro du scrutin> <choix> (en privé) ; !voter <numéro> seul, dans un salon : je vous écris en privé
cmd-voter-example = !voter 4 Camille

cmd-reunion-summary = annoncer une réunion
cmd-reunion-usage = !reunion <quand> | <lieu> | <sujet> (--prive : pas sur l'agenda public)
cmd-reunion-example = !reunion jeudi 18h30 | Maison des associations | Préparer la réunion publique

cmd-annuler-summary = annuler une réunion
cmd-annuler-usage = !annuler <numéro>
cmd-annuler-example = !annuler 5

cmd-deplacer-summary = changer la date d'une réunion
cmd-deplacer-usage = !deplacer <numéro> <quand>
cmd-deplacer-example = !deplacer 5 vendredi 18h

cmd-participe-summary = dire que vous venez à une réunion
cmd-participe-usage = !participe [numéro]
cmd-participe-example = !participe 5

cmd-absent-summary = dire que vous ne venez pas
cmd-absent-usage = !absent [numéro]
cmd-absent-example = !absent 5

cmd-peutetre-summary = dire que vous viendrez peut-être
cmd-peutetre-usage = !peutetre [numéro]
cmd-peutetre-example = !peutetre 5

cmd-participants-summary = qui vient à une réunion
cmd-participants-usage = !participants [numéro]
cmd-participants-example = !participants 5

cmd-rappels-summary = choisir où recevoir les rappels de réunion
cmd-rappels-usage = !rappels salon | prive | aucun
cmd-rappels-example = !rappels prive

cmd-agenda-summary = les prochaines réunions
cmd-agenda-usage = !agenda [ics]
cmd-agenda-example = !agenda

cmd-creneaux-summary = trouver une date : proposer des créneaux
cmd-creneaux-usage = !creneaux <objet> | <créneau 1> | <créneau 2> | … ; puis !creneaux clore <numéro>
cmd-creneaux-example = !creneaux Réunion de rentrée | mardi 18h | jeudi 18h30

cmd-ag-summary = annoncer l'assemblée générale du trimestre
cmd-ag-usage = !ag <quand> | <lieu> | <ordre du jour>
cmd-ag-example = !ag le 14 mars à 14h | Salle des fêtes | Bilan du trimestre

cmd-remontee-summary = faire remonter un problème de terrain à l'équipe de la députée
cmd-remontee-usage = !remontee <texte> [--anonyme]
cmd-remontee-example = !remontee Le bus de 7h15 ne passe plus à Kermaria depuis septembre

cmd-repondre-summary = répondre à une remontée
cmd-repondre-usage = !repondre <numéro> <texte>
cmd-repondre-example = !repondre 12 Question écrite déposée, merci !

cmd-statut-summary = changer le statut d'une remontée
cmd-statut-usage = !statut <numéro> recu | en-cours | traite | classe
cmd-statut-example = !statut 12 en-cours

cmd-remontees-summary = les remontées, les plus anciennes en attente d'abord
cmd-remontees-usage = !remontees [ouvertes | <thème>]
cmd-remontees-example = !remontees ouvertes

cmd-annonce-summary = annoncer le travail parlementaire dans les salons
cmd-annonce-usage = !annonce [thèmes] <texte>
cmd-annonce-example = !annonce sante,logement Le projet de loi arrive en séance mardi

cmd-intervenant-summary = proposer un intervenant ou une association
cmd-intervenant-usage = !intervenant <nom> | <sujet> | <contact>
cmd-intervenant-example = !intervenant Collectif Eau Pure | qualité de l'eau | contact@exemple.fr

cmd-intervenants-summary = les intervenants proposés
cmd-intervenants-usage = !intervenants
cmd-intervenants-example = !intervenants

# Affiché dans le terminal par `boucle run` sans serveur configuré.
demo-banner =
    boucle tourne sur un Synapse local, sur cette machine seulement.
      serveur : {$url}
      identifiant : {$user}
      mot de passe : {$password}
    Connectez-vous avec un client Matrix (Element…), ouvrez le salon d'accueil {$hub} et tapez-y !aide, puis par exemple : !reunion jeudi 18h30 | Local | Premier point
    L'agenda public, pour qui n'est pas sur Matrix : {$site}
    Le journal de boucle va dans {$log}. Ctrl-C arrête.

## Réponses communes

problem-missing = Il manque quelque chose après {$command}.
problem-not-a-user-id = {$command} attend l'identifiant Matrix d'une personne, qui commence par @ et contient « : » (par exemple @camille:exemple.fr).
problem-not-a-number = {$command} attend un numéro.
problem-unknown-action = Je ne comprends pas ce que {$command} doit faire.
place-theme-only = {$command} se tape dans le salon d'un groupe de travail.
place-hub-only = {$command} se tape dans le salon principal de l'assemblée.
place-deputy-only = {$command} se tape dans le salon de l'équipe de la députée.
place-direct-only = {$command} se tape en message privé avec moi.
place-not-here = {$command} ne sert pas dans ce salon. Tapez !aide pour voir ce qui marche ici.
refused-admins = {$command} est réservée aux admins de l'assemblée.
refused-deputy-team = {$command} est réservée à l'équipe de la députée.
refused-coordinators = {$command} est réservée à la coordination du groupe et aux admins.

## Groupes de travail

themes-none = Il n'y a encore aucun groupe de travail. Proposez-en un dans le salon principal : !theme proposer <nom>
themes-header = { $count ->
    [one] Le groupe de travail
   *[other] Les {$count} groupes de travail
}
themes-line = {$theme} ({$slug}) : { $members ->
    [0] personne d'inscrit pour l'instant
    [one] 1 membre
   *[other] {$members} membres
}
themes-line-member = {$theme} ({$slug}) : { $members ->
    [one] 1 membre
   *[other] {$members} membres
}, dont vous
themes-dormant = En sommeil : {$themes}
themes-footer = Pour rejoindre un groupe : !inscription <thème>, par exemple « !inscription logement ».
themes-available = Thèmes : {$themes}
join-which-theme = À quel groupe voulez-vous vous inscrire ? Tapez !inscription suivi du thème.
leave-which-theme = Quel groupe voulez-vous quitter ? Tapez !desinscription suivi du thème.
theme-unknown = Je ne connais pas de thème « {$typed} ».
theme-did-you-mean = Vouliez-vous dire {$theme} ({$slug}) ?
theme-is-dormant = Le groupe {$theme} est en sommeil. Un·e admin peut le réactiver : !theme reactiver {$slug}
theme-is-being-created = Le salon du groupe {$theme} est en cours de création : réessayez dans un instant.
join-already = Vous êtes déjà inscrit·e au groupe {$theme}. Merci !
join-done-here = C'est noté : vous êtes inscrit·e au groupe {$theme}. Bienvenue !
join-done-invited = C'est noté : vous êtes inscrit·e au groupe {$theme}. Je vous invite dans son salon : acceptez l'invitation pour y entrer.
join-already-invited = Vous êtes déjà inscrit·e au groupe {$theme}. Je vous invite à nouveau dans son salon, au cas où.
join-done-no-room = C'est noté : vous êtes inscrit·e au groupe {$theme}. Son salon n'est pas encore accessible ; un·e admin va s'en occuper.
leave-not-member = Vous n'êtes pas inscrit·e au groupe {$theme} : rien à faire.
leave-done = C'est noté : vous n'êtes plus inscrit·e au groupe {$theme}. Vous pouvez rester dans le salon ou le quitter, comme vous voulez.
members-header = Groupe {$theme} : { $count ->
    [0] aucun membre
    [one] 1 membre
   *[other] {$count} membres
}
members-none = Personne n'est encore inscrit·e. Tapez !inscription pour être la première ou le premier.
members-line = • {$person}
members-line-coordinator = • {$person}, coordination
members-line-coordinator-only = • {$person}, coordination (non inscrit·e)
profile-show = Votre profil : commune {$commune}, collectif {$collective}. Pour le changer : !profil commune <ville> ou !profil collectif <nom> ; pour l'effacer : !profil effacer
profile-empty = Vous n'avez rien partagé. C'est facultatif : vous pouvez indiquer votre commune (!profil commune Lannion) ou votre association ou collectif (!profil collectif <nom>).
profile-commune-set = C'est noté : commune {$commune}.
profile-collective-set = C'est noté : collectif {$collective}.
profile-visibility = Les membres de vos groupes le voient avec !membres. Pour l'effacer : !profil effacer
profile-cleared = Votre profil est effacé.
coordinator-appointed = {$person} coordonne désormais le groupe {$theme}.
coordinator-already = {$person} coordonne déjà le groupe {$theme}.
coordinator-not-appointed = {$person} n'a pas été nommé·e à la coordination du groupe {$theme} avec !coordination.
coordinator-removed = {$person} ne coordonne plus le groupe {$theme}.
invite-refused = Dans ce salon, inviter demande le niveau {$needed} et vous avez le niveau {$level} : je ne peux pas inviter à votre place. Demandez à la coordination du groupe.
invite-bot-cannot = Je n'ai pas le droit d'inviter dans ce salon (il faut le niveau {$needed}). Un·e admin du salon peut me le donner.
invite-done = J'invite {$person} dans ce salon.

## Nouveaux thèmes

theme-create-admins-only = Seul·e un·e admin peut créer un thème directement. Proposez-le, et il sera créé avec assez de soutiens : !theme proposer {$name}
theme-archive-admins-only = Seul·e un·e admin peut archiver ou réactiver un thème.
theme-name-too-short = Ce nom de thème est trop court : donnez au moins deux lettres, par exemple « !theme proposer Transports ».
theme-exists = Le thème {$theme} existe déjà : pour le rejoindre, !inscription {$slug}
proposal-exists = Ce thème est déjà proposé (proposition #{$number}, « {$name} ») : pour le soutenir, !soutenir {$number}
proposal-opened = Proposition #{$number} : « {$name} ». Pour la soutenir : !soutenir {$number}. Le thème sera créé à {$needed} soutiens (1 pour l'instant).
proposal-expired = La proposition #{$number} « {$name} » est close faute de soutiens à temps. Vous pouvez la proposer à nouveau : !theme proposer {$name}
proposal-unknown = Il n'y a pas de proposition #{$number}.
proposals-open = Propositions ouvertes : {$proposals}
proposal-already-supported = Vous soutenez déjà la proposition #{$number} ({$count} soutiens pour l'instant).
proposal-supported = Merci ! La proposition #{$number} « {$name} » a {$count} soutiens sur {$needed}.
theme-creating = Le thème {$theme} est créé : je prépare son salon et j'y invite les personnes qui l'ont soutenu.
theme-room-topic = Groupe de travail {$theme} de l'Assemblée populaire. Tapez !aide pour voir les commandes.
theme-created-hub = Le groupe {$theme} a son salon. Pour le rejoindre : !inscription {$slug}
theme-already-dormant = Le groupe {$theme} est déjà en sommeil.
theme-already-active = Le groupe {$theme} est déjà actif.
theme-archived = Le groupe {$theme} est mis en sommeil : son salon quitte l'espace de l'assemblée. Rien n'est effacé ; pour le réactiver : !theme reactiver {$slug}
theme-reactivated = Le groupe {$theme} est de nouveau actif et revient dans l'espace de l'assemblée.
theme-archived-summary = Le groupe {$theme} est mis en sommeil par l'assemblée. { $members ->
    [0] Il n'avait pas de membre inscrit.
    [one] Son membre inscrit et ses données sont conservés.
   *[other] Ses {$members} membres inscrits et ses données sont conservés.
} Un·e admin peut le réactiver.
theme-reactivated-summary = Le groupe {$theme} est de nouveau actif. Bon retour !
welcome = Bienvenue {$person} dans le groupe {$theme} !
welcome-how = Tapez !inscription pour rejoindre le groupe et !aide pour voir ce que je sais faire.
welcome-signed-up = Vous êtes inscrit·e au groupe. Tapez !aide pour voir ce que je sais faire.

## Vos données

my-data-direct-only = Je vous écris en privé : vos données ne s'affichent que dans une discussion chiffrée entre vous et moi ({$bot}).
my-data-unencrypted = Cette discussion n'est pas chiffrée : vos données y seraient lisibles sur le serveur. Je vous les envoie dans une discussion privée chiffrée avec moi ({$bot}).
my-data-nothing = Je ne garde rien sur vous.
my-data-header = Ce que je garde sur vous ({$count} { $count ->
    [one] élément
   *[other] éléments
}) :
my-data-footer = Le détail est dans le fichier joint. Pour tout effacer : !oublier
data-membership = inscription au groupe {$theme} depuis le {$since}
data-membership-left = ancienne inscription au groupe {$theme}, quitté le {$left}
data-coordination = coordination du groupe {$theme} depuis le {$since}
data-coordination-appointed = vous avez nommé {$person} à la coordination du groupe {$theme}
data-profile = profil : commune {$commune}, collectif {$collective}
data-proposal-proposed = vous avez proposé le thème #{$number} « {$name} »
data-proposal-supported = vous avez soutenu le thème #{$number} « {$name} »
data-welcome = accueil dans le salon {$theme} le {$at}
forget-nothing = Je ne garde rien sur vous : il n'y a rien à effacer.
forget-confirm = J'effacerai tout ce que je garde sur vous ({$count} { $count ->
    [one] élément
   *[other] éléments
} : inscriptions, profil…). Ce qui appartient à l'histoire du groupe reste, sans votre nom : les résultats des sondages clos, par exemple.
forget-how-to-confirm = Pour confirmer, tapez : !oublier confirmer
forget-open-votes-will = Vos votes aux sondages encore ouverts seront retirés : ils ne compteront plus, et vous pourrez revoter si vous le souhaitez.
forget-open-votes-done = Vos votes aux sondages encore ouverts sont retirés : ils ne comptent plus, et vous pouvez revoter si vous le souhaitez.
forget-open-ballots-will = Dans les scrutins secrets en cours, vous ne pourrez plus voter ; un bulletin déjà déposé restera dans l'urne, sans votre nom.
forget-open-ballots-done = Dans les scrutins secrets en cours, vous ne pouvez plus voter ; un bulletin déjà déposé reste dans l'urne, sans votre nom.
forget-done = C'est fait : { $count ->
    [one] {$count} élément vous concernant est effacé.
   *[other] {$count} éléments vous concernant sont effacés.
} Vous pouvez vous réinscrire quand vous voulez.

## Espace de l'assemblée

space-name = Assemblée populaire
space-topic = Les salons de l'Assemblée populaire : le salon principal et un salon par groupe de travail.

## Sondages

problem-no-question = Il manque la question : écrivez-la juste après !sondage, puis une option par ligne.
problem-option-count = Un sondage a de {$min} à {$max} options, et j'en compte {$found}. Mettez une option par ligne (ou séparez-les par |).
problem-bad-flag = Je ne connais pas l'option {$flag} de {$command}, ou il lui manque sa valeur.
problem-too-long = C'est trop long pour {$command} : {$max} caractères au plus. Raccourcissez, ou découpez en plusieurs messages.
problem-field-too-long = Un élément de {$command} est trop long (une question, une option, un lieu…) : {$max} caractères au plus chacun.
problem-repeat-too-rare = Une réunion se répète au plus rarement une fois par an : --chaque {$weeks} semaines ou --chaque {$months} mois au maximum.
problem-reminder-too-early = Un rappel part au plus {$days} jours avant la réunion (par exemple --rappels 7j,1h).
problem-too-many-reminders = {$max} rappels au plus par réunion (par exemple --rappels 2j,1h).
poll-too-large = Ce sondage est trop long pour être envoyé : raccourcissez la question ou les options.
poll-created = Sondage #{$number} ouvert : votez en cliquant sur le sondage, ou tapez !vote {$number} suivi de votre choix.
poll-created-multiple = Jusqu'à {$max} choix par personne.
poll-created-until = Clôture automatique le {$date}.
poll-created-hidden = Les résultats resteront cachés jusqu'à la clôture.
poll-unknown = Il n'y a pas de sondage #{$number} dans ce salon. Tapez !sondages pour voir ceux qui sont ouverts.
poll-none-here = Il n'y a pas de sondage ouvert dans ce salon.
poll-closed = Le sondage #{$number} est clos. Tapez !resultats {$number} pour voir ses résultats.
poll-close-refused = Seuls la personne qui a lancé le sondage #{$number}, la coordination et les admins peuvent le clore.
poll-closing = Je clos le sondage #{$number} : je compte tous les votes et je publie les résultats.
vote-unknown-choice = « {$choice} » n'est pas une des options.
vote-options = Options : {$options}
vote-too-many = Ce sondage permet {$max} choix au plus.
vote-recorded = C'est noté : au sondage #{$number}, vous votez {$choices}. Vous pouvez changer d'avis tant qu'il est ouvert.
poll-results-now = Résultats provisoires du sondage #{$number} « {$question} » ({ $voters ->
    [one] {$voters} votant
   *[other] {$voters} votants
}) :
poll-results-final = Résultats du sondage #{$number} « {$question} » ({ $voters ->
    [one] {$voters} votant
   *[other] {$voters} votants
}) :
poll-results-line = • {$answer} : { $votes ->
    [one] {$votes} voix
   *[other] {$votes} voix
} ({$percent} %)
poll-results-spoiled = { $count ->
    [one] 1 vote nul (option inconnue)
   *[other] {$count} votes nuls (option inconnue)
}
poll-results-no-votes = Personne n'a voté.
poll-results-winner = En tête : {$answer}
poll-results-tie = Égalité entre : {$answers}
poll-results-hidden = Les résultats du sondage #{$number} sont cachés jusqu'à sa clôture. { $voters ->
    [0] Personne n'a encore voté.
    [one] 1 personne a voté.
   *[other] {$voters} personnes ont voté.
}
polls-none = Aucun sondage ouvert dans ce salon. Pour en lancer un : !sondage <question> puis une option par ligne.
polls-header = { $count ->
    [one] Le sondage ouvert ici
   *[other] Les {$count} sondages ouverts ici
}
polls-line = #{$number} « {$question} » : { $voters ->
    [one] 1 votant
   *[other] {$voters} votants
}
polls-line-until = #{$number} « {$question} » : { $voters ->
    [one] 1 votant
   *[other] {$voters} votants
}, clôture le {$date}
data-poll-author = vous avez lancé le sondage #{$number} « {$question} »
data-vote = vote au sondage #{$number} « {$question} » : {$choices}

## Dates

date-not-understood = Je ne comprends pas la date « {$typed} ».
date-past = La date « {$typed} » est déjà passée.
date-inconsistent = La date « {$typed} » n'existe pas ou ne correspond pas au jour indiqué.
date-too-far = La date « {$typed} » est trop lointaine : dix ans au plus.
date-examples = Par exemple : « demain 20h », « jeudi 18h30 », « le 3 décembre à 18h30 », « 3/12 18:30 » (jour/mois), « dans 2 semaines ».
date-full = {$weekday} {$day} {$month} {$year} à {$hours} h {$minutes}
date-full-hour = {$weekday} {$day} {$month} {$year} à {$hours} h
weekday-1 = lundi
weekday-2 = mardi
weekday-3 = mercredi
weekday-4 = jeudi
weekday-5 = vendredi
weekday-6 = samedi
weekday-7 = dimanche
month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre

## Scrutins secrets

ballot-opened = Scrutin secret #{$number} : {$question}
ballot-option = {$index}. {$answer}
ballot-how = Pour voter, tapez ici « !voter {$number} » : je vous écris en privé (ou écrivez-moi directement, {$bot} : !voter {$number} suivi de votre choix). Votre choix n'est jamais gardé avec votre nom. { $electorate ->
    [one] 1 personne peut voter.
   *[other] {$electorate} personnes peuvent voter.
}
ballot-quorum = Quorum : {$quorum} bulletins.
ballot-preparing-room = Je prépare le scrutin secret #{$number} : je relève la liste des membres du salon, qui pourront voter.
ballot-preparing-members = Scrutin secret #{$number} ouvert pour les {$electorate} membres inscrits du groupe.
ballot-unknown = Il n'y a pas de scrutin #{$number}.
ballot-closed = Le scrutin #{$number} est clos.
ballot-not-ready = Le scrutin #{$number} se prépare encore : réessayez dans un instant.
ballot-not-elector = Vous n'êtes pas sur la liste des électeurs du scrutin #{$number}, arrêtée à son ouverture.
ballot-already-voted = Vous avez déjà voté au scrutin #{$number}. Un bulletin secret ne peut pas être changé.
ballot-cast = Votre bulletin est dans l'urne du scrutin #{$number}. Il est secret : je ne garde pas votre choix avec votre nom. Je ne peux pas effacer votre message ici : supprimez-le vous-même (appui long, Supprimer).
ballot-cast-erased = Votre bulletin est dans l'urne du scrutin #{$number}. Il est secret : je ne garde pas votre choix avec votre nom, et j'efface votre message du serveur.
ballot-unencrypted = Vote non compté : cette discussion n'est pas chiffrée, votre choix y serait lisible sur le serveur. { $erased ->
    [1] J'ai effacé votre message.
   *[0] Supprimez votre message (appui long, Supprimer).
} Je vous écris dans une discussion privée chiffrée avec moi ({$bot}) : c'est là qu'on vote.
ballot-vote-in-room = Vote non compté : tout le salon voit ce message. { $erased ->
    [1] Je l'ai effacé.
   *[0] Supprimez-le (appui long, Supprimer).
} Je vous écris en privé, dans une discussion chiffrée avec moi ({$bot}) : c'est là qu'on vote, votre choix y reste secret.
ballot-going-private = Je vous écris en privé au sujet du scrutin #{$number} : c'est là qu'on vote, votre choix y reste secret.
ballot-not-offered = Vous ne pouvez pas ou plus voter au scrutin #{$number} : vous n'êtes pas sur la liste de ses électeurs, arrêtée à son ouverture, ou vous avez déjà voté.
ballot-unknown-choice = Ce choix n'est pas une des réponses.
ballot-refused-erased = { $erased ->
    [1] J'ai effacé votre message : il contenait un choix.
   *[0] Supprimez votre message (appui long, Supprimer) : il contient un choix.
}
ballot-vote-here = Votez ici : !voter {$number} suivi du numéro de votre choix. Votre choix n'est jamais gardé avec votre nom, et j'efface votre message du serveur.
ballot-closing = Je clos le scrutin #{$number} et je publie les résultats.
ballot-results = Résultats du scrutin secret #{$number} « {$question} » :
ballot-turnout = Participation : { $ballots ->
    [one] {$ballots} bulletin
   *[other] {$ballots} bulletins
} sur { $electorate ->
    [one] {$electorate} électeur
   *[other] {$electorate} électeurs
} ({$percent} %).
ballot-too-few-electors = Scrutin secret #{$number} annulé : { $electorate ->
    [one] {$electorate} personne pourrait voter
   *[other] {$electorate} personnes pourraient voter
}, il en faut au moins {$min} pour que le décompte ne dévoile le choix de personne. Lancez-le dans un groupe plus large, ou votez à main levée avec !sondage.
ballot-too-few-ballots = Trop peu de bulletins pour publier le décompte : il en faut au moins {$min}, sans quoi il dévoilerait le choix de chacun. Le résultat n'est pas publié.
ballot-quorum-met = Quorum de {$quorum} atteint.
ballot-quorum-missed = Quorum de {$quorum} non atteint : le résultat ne vaut pas décision.
ballot-turnout-open = Scrutin secret #{$number} : { $ballots ->
    [one] {$ballots} bulletin
   *[other] {$ballots} bulletins
} sur { $electorate ->
    [one] {$electorate} électeur
   *[other] {$electorate} électeurs
} pour l'instant. Les résultats seront publiés à la clôture.
polls-line-ballot = #{$number} « {$question} » : scrutin secret, votez en message privé
data-ballot-author = vous avez lancé le scrutin secret #{$number} « {$question} »
data-elector = électeur du scrutin secret #{$number} (pas encore voté)
data-elector-voted = électeur du scrutin secret #{$number} (a voté ; votre choix n'est pas gardé avec votre nom)

## Réunions

meeting-announced = Réunion #{$number} : {$date}
meeting-place = Lieu : {$place}
meeting-subject = Sujet : {$subject}
meeting-video = Visio : {$link}
meeting-every-week = Chaque semaine, à la même heure.
meeting-every-weeks = Toutes les {$every} semaines, à la même heure.
meeting-every-month = Chaque mois, à la même heure.
meeting-every-months = Tous les {$every} mois, à la même heure.
meeting-how-to-answer = Réagissez à ce message : ✅ je viens, 🤔 peut-être, ❌ je ne viens pas (ou tapez !participe {$number}).
meeting-needs-time = À quelle heure ? « {$typed} » donne un jour sans heure : par exemple « jeudi 18h30 ».
meeting-bad-link = Le lien de visio doit commencer par https://
meeting-unknown = Il n'y a pas de réunion #{$number} ici. Tapez !agenda pour voir les prochaines.
meeting-none-here = Aucune réunion à venir dans ce salon. Pour en annoncer une : !reunion jeudi 18h30 | lieu | sujet
meeting-manage-refused = Seuls la personne qui a organisé la réunion #{$number}, la coordination et les admins peuvent la changer.
meeting-already-cancelled = La réunion #{$number} est annulée.
meeting-cancelled = La réunion #{$number} du {$date} est annulée.
meeting-cancel-done = C'est fait : réunion #{$number} annulée, les personnes qui venaient sont prévenues.
meeting-moved = La réunion #{$number} est déplacée : elle n'a plus lieu le {$before} mais le {$date}.
meeting-move-done = C'est fait : réunion #{$number} déplacée, les personnes qui venaient sont prévenues.
rsvp-going = C'est noté : vous venez à la réunion #{$number} ({$date}).
rsvp-maybe = C'est noté : vous viendrez peut-être à la réunion #{$number} ({$date}).
rsvp-not-going = C'est noté : vous ne venez pas à la réunion #{$number} ({$date}).
attendees-elsewhere = La réunion #{$number} est celle d'un autre salon : tapez !participants {$number} dans ce salon-là.
attendees-header = Réunion #{$number}, {$date}
attendees-going = Viennent ({$count}) :
attendees-maybe = Peut-être ({$count}) :
attendees-not-going = Ne viennent pas ({$count}) :
attendees-none = Personne n'a encore répondu. Réagissez ✅ 🤔 ❌ sur l'annonce ou tapez !participe {$number}.
reminder = Rappel : réunion #{$number}, {$date}
reminder-direct-how = (Vos rappels arrivent ici. Pour les recevoir dans le salon du groupe : !rappels salon ; pour ne plus en recevoir : !rappels aucun.)
reminder-late = Rappel en retard : réunion #{$number}, {$date}
reminders-room = Vos rappels de réunion arrivent dans le salon du groupe, avec une mention, sans faire sonner votre téléphone.
reminders-direct = Vos rappels de réunion, et les réunions annulées ou déplacées, arrivent en message privé, avec une notification.
reminders-off = Vous ne recevez plus de rappels de réunion.
reminders-how = Pour changer : !rappels salon, !rappels prive ou !rappels aucun.
agenda-empty = Aucune réunion à venir. Pour en annoncer une : !reunion jeudi 18h30 | lieu | sujet
agenda-header = { $count ->
    [one] La prochaine réunion
   *[other] Les {$count} prochaines réunions
}
agenda-line = #{$number} {$date} : {$theme}, {$place} ({ $going ->
    [0] personne n'a encore dit venir
    [one] 1 personne vient
   *[other] {$going} personnes viennent
})
agenda-hub = assemblée
agenda-more = … et {$count} autres.
data-meeting-organiser = vous organisez la réunion #{$number} du {$date}
data-rsvp = réponse à la réunion #{$number} : {$answer}
data-reminder-choice = rappels de réunion : {$choice}
ics-summary = Réunion {$group}
ics-summary-subject = Réunion {$group} : {$subject}
agenda-file = Voici le calendrier { $count ->
    [one] de la prochaine réunion
   *[other] des {$count} prochaines réunions
} : touchez le fichier pour l'ajouter à votre agenda.
agenda-file-private = Je vous envoie en privé le calendrier { $count ->
    [one] de la prochaine réunion
   *[other] des {$count} prochaines réunions
} : touchez le fichier pour l'ajouter à votre agenda.

## Créneaux

problem-slot-count = Proposez de 2 à 10 créneaux (j'en compte {$found}), séparés par | ou un par ligne.
slots-opened = Créneaux #{$number} « {$subject} » : réagissez sur chaque ligne ci-dessous, ✅ oui, 🤔 si nécessaire, ❌ non. Pour choisir : !creneaux clore {$number}
slots-line = Créneaux #{$number}, n° {$index} : {$date}
slots-unknown = Il n'y a pas de créneaux #{$number} dans ce salon.
slots-none-here = Aucun choix de date en cours dans ce salon. Pour en lancer un : !creneaux <objet> | <créneau 1> | <créneau 2>
slots-closed = Les créneaux #{$number} sont déjà clos.
slots-close-refused = Seuls la personne qui a proposé les créneaux #{$number}, la coordination et les admins peuvent choisir.
slots-no-answer = Personne n'a encore répondu oui ou si nécessaire à un créneau à venir des créneaux #{$number}.
slots-chosen = Créneau retenu pour les créneaux #{$number} : {$date} ({$yes} oui, {$maybe} si nécessaire).
data-slot-answer = réponse au créneau n° {$index} des créneaux #{$number}
assembly-none-scheduled = Aucune assemblée générale n'est prévue dans les trois prochains mois. Pour l'annoncer, dans le salon principal : !ag <quand> | <lieu> | <ordre du jour>
themes-next-meeting = {" "}; prochaine réunion le {$date}

## Remontées de terrain

report-no-deputy-room = Le salon de l'équipe de la députée n'est pas configuré : je ne peux rien transmettre pour l'instant. Prévenez un·e admin.
report-deputy-room-not-encrypted = Je ne transmets pas : ce salon est chiffré et celui de l'équipe de la députée ne l'est pas, votre message en sortirait en clair. L'équipe doit activer le chiffrement de son salon.
report-card-title = Remontée #{$number}, groupe {$theme}
report-card-anonymous = Auteur : anonyme (la réponse lui parviendra)
report-card-author = Auteur : {$person}
report-card-commune = Commune : {$commune}
report-card-link = {$link} · Pour répondre : répondez à ce message ou tapez !repondre {$number} <texte>
report-card-link-text = voir le message
report-sent = Remontée #{$number} transmise à l'équipe de la députée. Vous serez prévenu·e de sa réponse ici.
report-sent-anonymous = Remontée #{$number} transmise anonymement à l'équipe de la députée : votre nom n'y figure pas. Vous serez prévenu·e de sa réponse ici.
report-sent-private = Remontée #{$number} transmise à l'équipe de la députée. Sa réponse vous arrivera en message privé : ce salon n'est pas chiffré et le sien l'est.
report-sent-anonymous-private = Remontée #{$number} transmise anonymement à l'équipe de la députée : votre nom n'y figure pas. Sa réponse vous arrivera en message privé.
report-unknown = Il n'y a pas de remontée #{$number}.
report-answer = Réponse de l'équipe de la députée à la remontée #{$number} : {$text}
report-answered = Réponse à la remontée #{$number} transmise dans le salon du groupe.
report-status-new = nouvelle
report-status-received = reçue
report-status-in-progress = en cours
report-status-handled = traitée
report-status-closed = classée
report-status-same = La remontée #{$number} est déjà « {$status} ».
report-status-set = Remontée #{$number} : statut « {$status} ».
report-status-told = Votre remontée #{$number} est maintenant « {$status} » pour l'équipe de la députée.
reports-none = Aucune remontée.
reports-header = { $count ->
    [one] 1 remontée
   *[other] {$count} remontées
}, les plus anciennes en attente d'abord :
reports-line = #{$number} {$theme}, {$status}, du {$date} : {$text}
data-report = remontée #{$number} ({$theme}) : {$text}

cmd-digest-summary = le résumé de la semaine pour l'équipe, tout de suite
cmd-digest-usage = !digest
cmd-digest-example = !digest

## Annonces, intervenants, digest

announce-header = 📣 Travail parlementaire : des nouvelles de l'équipe de la députée
announce-done = Annonce envoyée dans { $count ->
    [one] 1 salon
   *[other] {$count} salons
}.
announce-unknown-themes = Je ne connais pas tous ces thèmes : « {$themes} ». Tapez !annonce suivi du texte pour tous les salons, ou des thèmes séparés par des virgules puis le texte (par exemple « !annonce sante,logement … »).
speaker-added = C'est noté : intervenant #{$number}, {$name}. L'équipe de la députée le verra dans son résumé.
speakers-none = Aucun intervenant proposé pour ce groupe. Pour en proposer : !intervenant <nom> | <sujet> | <contact>
speakers-header = { $count ->
    [one] 1 intervenant proposé
   *[other] {$count} intervenants proposés
}
speakers-line = #{$number} {$name} : {$subject} ({$contact})
digest-title = Résumé de l'assemblée, du {$since} au {$until}
digest-quiet = Rien de neuf sur la période.
digest-new-reports = Nouvelles remontées ({$count})
digest-report-line = {$theme} : #{$number} {$text}
digest-waiting = { $count ->
    [one] 1 remontée attend une réponse
   *[other] {$count} remontées attendent une réponse
}, la plus ancienne (#{$number}) depuis { $days ->
    [0] aujourd'hui
    [one] 1 jour
   *[other] {$days} jours
}.
digest-polls = Sondages ({$open} ouverts)
digest-poll-line = clos : #{$number} « {$question} », {$voters} votants, en tête : {$result}
digest-meetings = Réunions des 14 prochains jours
digest-meeting-line = #{$number} {$date}, {$group} : {$going} viennent
digest-members = Membres
digest-members-line = {$theme} : +{$joined} / −{$left}
digest-speakers = Intervenants proposés
digest-speaker-line = {$theme} : {$name} ({$subject})
digest-themes = Thèmes
digest-theme-proposed = proposé : {$name}
digest-theme-archived = mis en sommeil : {$name}
digest-missed = Rappels manqués (boucle était arrêté)
digest-missed-line = réunion #{$number}, rappel prévu le {$due}
data-speaker = intervenant #{$number} proposé : {$name}
report-status-withdrawn = retirée
report-edited = Remontée #{$number} modifiée par son auteur :
report-updated = Remontée #{$number} mise à jour pour l'équipe de la députée.
report-withdrawn = Remontée #{$number} retirée : son message a été supprimé.
draft-which-theme = Faisons remonter ça ensemble. Pour quel groupe de travail ? Répondez par son nom (ou « annuler » à tout moment).
draft-what = Que se passe-t-il ? Décrivez-le en un message.
draft-where = Où cela se passe-t-il ? Donnez la commune, ou répondez « passer ».
draft-name-or-not = Voulez-vous que votre nom soit cité auprès de l'équipe de la députée ? Répondez « oui » ou « non ».
draft-cancelled = C'est abandonné : rien n'a été transmis.
report-card-anonymous-answer = Pour répondre : répondez à ce message ou tapez !repondre {$number} <texte>
report-card-private = Écrite en message privé. Pour répondre : répondez à ce message ou tapez !repondre {$number} <texte>
data-report-answer = réponse de l'équipe à la remontée #{$number} : {$text}
data-report-status = statut de la remontée #{$number} mis à « {$status} »
data-report-draft = une remontée en cours d'écriture en message privé
ballot-close-refused = Seuls la personne qui a lancé le scrutin #{$number}, la coordination et les admins peuvent le clore.
data-slot-poll = vous avez proposé les créneaux #{$number} « {$subject} »

flood-notice = Doucement : vous envoyez beaucoup de commandes d'un coup. Je réponds de nouveau dans {$seconds} secondes ; les commandes envoyées d'ici là sont ignorées.
handling-failed = Désolé, je n'ai pas pu traiter cette commande : c'est une erreur de ma part, pas de la vôtre. Elle est notée pour les personnes qui s'occupent de moi ; vous pouvez continuer à m'utiliser.

## Ce que le serveur refuse pour de bon

room-hub = salon principal
room-deputy = salon de l'équipe de la députée
undeliverable-room = Je n'ai pas pu envoyer un message ou faire une action dans le salon {$room}.
direct-chats-waiting = Le serveur Matrix me fait attendre avant d'ouvrir chaque nouvelle discussion privée (Synapse, par défaut : une par minute après dix) : des rappels, des réponses ou des données demandées arrivent en retard. Rien n'est perdu. Pour lever cette limite pour mon compte, voyez deploy/README.md (« Lift Synapse's rate limits »).
undeliverable-direct = Je n'ai pas pu écrire en privé à une personne.
undeliverable-creation = Je n'ai pas pu créer le salon d'un nouveau groupe.
undeliverable-too-large = Le serveur le trouve trop grand.
undeliverable-forbidden = Le serveur dit que je n'en ai pas le droit (niveau de pouvoir, bannissement ou salon privé).
undeliverable-not-in-room = Je ne suis plus dans ce salon : on m'en a retiré, ou banni. Je n'y écris plus tant qu'on ne m'y réinvite pas.
undeliverable-not-found = Le serveur ne trouve pas ce salon ou cette personne.
undeliverable-invalid = Le serveur l'a refusé comme invalide.
undeliverable-after = Je l'ai mis de côté et je continue avec la suite. Je ne vous préviens qu'une fois par jour pour un même salon.
direct-stranger = Bonjour ! Je ne vous trouve dans aucun salon de l'assemblée : je ne peux pas encore vous inscrire ni transmettre une remontée. Pour nous rejoindre, demandez à une personne de l'assemblée de vous inviter dans le {$hub}. En attendant, !themes liste les groupes de travail.
cap-person = Vous en avez déjà {$max} en cours dans ce salon : c'est le maximum. Clôturez-en (ou annulez-en) un d'abord.
cap-room = Ce salon en a déjà {$max} en cours : c'est le maximum. Clôturez-en (ou annulez-en) d'abord.
alias-squatted = L'adresse {$alias}, que je voulais donner à un salon que je crée, est déjà celle du salon de quelqu'un d'autre : je ne l'ai pas repris, et j'ai créé le salon sous {$instead}. Vérifiez qui a pris cette adresse.
report-answered-private = Réponse à la remontée #{$number} transmise à son auteur, en message privé.
report-anonymous-in-room = Pas transmis : dans ce salon, tout le monde voit qui écrit, même « anonyme ». { $erased ->
    [1] J'ai effacé votre message.
   *[0] Supprimez votre message (appui long, Supprimer).
} Je vous écris en privé : c'est là qu'une remontée reste anonyme.
draft-anonymous-for = Remontée anonyme pour le groupe {$theme} : l'équipe de la députée ne verra pas votre nom.
draft-confirm-again = Répondez « oui » pour l'envoyer, « réécrire » pour la dire autrement, ou « annuler » pour l'abandonner.
draft-confirm-seen = Votre remontée anonyme pour le groupe {$theme} : « {$text} ». Attention : les membres du salon ont pu la lire avant qu'elle soit effacée ; si des membres de l'équipe de la députée y sont, ils peuvent faire le lien avec vous. Je l'envoie telle quelle, sans votre nom ? Répondez « oui », « réécrire » pour la dire autrement, ou « annuler ».
draft-clear-chat = { $typed ->
    [1] Pas noté : cette discussion n'est pas chiffrée, le serveur peut la lire. { $erased ->
        [1] J'ai effacé votre message.
       *[0] Supprimez votre message (appui long, Supprimer).
    }
   *[0] Cette discussion n'est pas chiffrée, le serveur peut la lire.
} Je vous écris dans une discussion privée chiffrée : continuons là-bas.
help-report-private = Pour rester anonyme, écrivez-moi en message privé (ou tapez !remontee --anonyme ici, je vous y écris) : je vous guide, et personne ne voit que c'est vous.
report-anonymous-go-private = Je vous écris en privé : c'est là qu'une remontée reste anonyme.
report-answer-not-carried = Réponse à la remontée #{$number} enregistrée, mais pas transmise : ce salon est chiffré, celui où elle a été écrite ne l'est pas, et son auteur·e a effacé ses données (je ne peux plus lui écrire en privé).
announce-none-carried = Annonce non envoyée : { $count ->
    [one] le salon où elle irait n'est pas chiffré
   *[other] les {$count} salons où elle irait ne sont pas chiffrés
}, et ce salon-ci l'est ; elle en sortirait en clair.
announce-not-carried = Pas dans { $count ->
    [one] 1 salon qui n'est pas chiffré
   *[other] {$count} salons qui ne sont pas chiffrés
} : ce salon-ci l'est, et l'annonce en sortirait en clair.
digest-left-out = { $count ->
    [one] 1 élément venu d'un salon chiffré n'est pas repris
   *[other] {$count} éléments venus de salons chiffrés ne sont pas repris
} ici : ce salon n'est pas chiffré.
agenda-not-carried = { $count ->
    [one] 1 réunion d'un salon chiffré n'est pas montrée
   *[other] {$count} réunions de salons chiffrés ne sont pas montrées
} ici : ce salon n'est pas chiffré.
reports-not-carried = { $count ->
    [one] 1 remontée venue d'un salon chiffré n'est pas montrée
   *[other] {$count} remontées venues de salons chiffrés ne sont pas montrées
} ici : ce salon n'est pas chiffré.
dialogue-start-meeting = Nouvelle réunion : je vous pose les questions une à une. Répondez ici, un message à la fois (« annuler » pour arrêter).
dialogue-start-poll = Nouveau sondage : je vous pose les questions une à une. Répondez ici, un message à la fois (« annuler » pour arrêter).
dialogue-start-ballot = Nouveau scrutin secret : je vous pose les questions une à une. Répondez ici, un message à la fois (« annuler » pour arrêter).
dialogue-start-slots = Cherchons une date : je vous pose les questions une à une. Répondez ici, un message à la fois (« annuler » pour arrêter).
dialogue-when = Quand ? Par exemple « jeudi 18h » ou « 12 janvier 14h30 ».
dialogue-place = Où ? Une adresse, une salle ou un lien de visio.
dialogue-subject = Quel sujet ? (ou « passer »)
dialogue-poll-question = Quelle est la question ?
dialogue-first-option = Première réponse possible ?
dialogue-second-option = Deuxième réponse possible ?
dialogue-next-option = Réponse suivante ? (ou « fini » si c'est tout)
dialogue-slot-subject = Pour quoi cherche-t-on une date ?
dialogue-first-slot = Premier créneau proposé ? Par exemple « lundi 18h ».
dialogue-second-slot = Deuxième créneau proposé ?
dialogue-next-slot = Créneau suivant ? (ou « fini » si c'est tout)
dialogue-noted = Noté : « {$answer} ».
dialogue-noted-date = Noté : {$date}.
dialogue-need-two = Il faut au moins deux réponses : donnez-en une autre.
dialogue-empty = Je n'ai rien reçu.
dialogue-twice = C'est déjà dans la liste.
dialogue-cancelled = C'est abandonné : rien n'a été créé.
data-dialogue = une commande en cours d'écriture, question par question
draft-for = Remontée pour le groupe {$theme} : je vous pose les questions une à une (« annuler » à tout moment). Vous choisirez à la fin si votre nom est cité.
report-go-private = Je vous écris en privé : je vous pose les questions une à une, et vous choisirez si votre nom est cité.
web-site-name = Agenda de l'Assemblée populaire
web-intro = Les groupes de travail de l'assemblée, ouverts à toutes et à tous : quand et où ils se réunissent.
web-general-assembly = Assemblée générale
web-members = { $count ->
    [0] Pas encore de membre inscrit.
    [one] 1 membre inscrit.
   *[other] {$count} membres inscrits.
}
web-no-meeting = Pas de réunion annoncée pour l'instant.
web-no-group = Aucun groupe n'est encore public.
web-meetings = Prochaines réunions
web-place = Lieu :
web-video = Rejoindre en visio
web-join = Rejoindre le groupe {$group}
web-how-to-join = Le groupe discute sur Matrix, une messagerie libre. Installez l'application Element (Android, iPhone ou ordinateur), créez un compte, puis touchez « Rejoindre ».
web-calendar = Dans votre agenda
web-subscribe = S'abonner au calendrier
web-feed-copy = Ou copiez cette adresse :
web-feed-iphone = iPhone : Réglages, Calendrier, Comptes, Ajouter un compte, Autre, Ajouter un calendrier avec abonnement, puis collez l'adresse.
web-feed-android = Android (Google Agenda) : sur calendar.google.com, Autres agendas, « + », À partir de l'URL, puis collez l'adresse.
web-feed-thunderbird = Thunderbird : Agenda, Nouvel agenda, Sur le réseau, puis collez l'adresse.
web-footer = Page publiée par boucle, le bot de l'assemblée. Aucune personne n'y est nommée : seulement des nombres.
web-not-found = Cette page n'existe pas
web-back-home = Retour à l'agenda
web-meeting-title = Réunion du groupe {$group}
web-cancelled = Cette réunion est annulée.
web-add-to-calendar = Ajouter à mon agenda (fichier .ics)
web-all-meetings = Toutes les réunions du groupe {$group}
dialogue-expired = Je n'attendais plus de réponse : c'est abandonné. Retapez la commande pour recommencer.
dialogue-need-two-slots = Il faut au moins deux créneaux : proposez-en un autre.
draft-confirm-anonymous = Votre remontée anonyme pour le groupe {$theme} : « {$text} ». L'équipe de la députée la recevra sans votre nom, et sa réponse vous arrivera ici. Je l'envoie ? Répondez « oui », « réécrire » pour la dire autrement, ou « annuler ».
draft-name-or-not-seen = Voulez-vous que votre nom soit cité auprès de l'équipe de la députée ? Répondez « oui » ou « non ». Le salon vous a vu taper !remontee : si des membres de l'équipe y sont, une remontée anonyme qui arrive maintenant peut leur faire penser à vous.
report-erased = { $erased ->
    [1] J'ai effacé votre message.
   *[0] Supprimez votre message (appui long, Supprimer).
}
dialogue-too-long = C'est trop long : {$max} caractères au plus par réponse.
