# Ce que boucle dit, en français. Les noms de commandes sont ajoutés par le code
# (préfixe + nom), les textes d'aide de chaque commande sont ici : cmd-<nom>-*.

help-header = Commandes disponibles ici
help-line = {$command} : {$summary}
help-upcoming = Bientôt : {$commands}
help-footer = Tapez !aide suivi d'une commande pour le détail, par exemple « !aide sondage ».
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
cmd-scrutin-usage = !scrutin <question> puis une option par ligne
cmd-scrutin-example = !scrutin Qui pour nous représenter à l'AG ? | Camille | Yann

cmd-voter-summary = voter en secret, en message privé avec boucle
cmd-voter-usage = !voter <numéro du scrutin> <choix>
cmd-voter-example = !voter 4 Camille

cmd-reunion-summary = annoncer une réunion
cmd-reunion-usage = !reunion <quand> | <lieu> | <sujet>
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
cmd-agenda-usage = !agenda
cmd-agenda-example = !agenda

cmd-creneaux-summary = trouver une date : proposer des créneaux
cmd-creneaux-usage = !creneaux <objet> | <créneau 1> | <créneau 2> | …
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
    Connectez-vous avec un client Matrix (Element…) et tapez !aide dans un salon. Ctrl-C arrête.
