//! Demo set-up on a local Synapse: a person to log in as, the hub, the
//! deputy room and one room per theme, each with an alias, the bot invited.
//! Used by `boucle run` when no homeserver is configured.

use matrix_sdk::Client;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoomRequest;
use matrix_sdk::ruma::{OwnedUserId, RoomAliasId};

use super::AdapterError;

/// One room to create: alias local part and display name.
pub struct DemoRoom {
    pub alias_localpart: String,
    pub name: String,
}

/// Logs in as the demo person and makes sure every room exists with its
/// alias and the bot invited. Rooms from an earlier run are reused.
pub async fn prepare_rooms(
    homeserver: &str,
    server_name: &str,
    person: &str,
    password: &str,
    bot: &str,
    rooms: &[DemoRoom],
) -> Result<(), AdapterError> {
    let client = Client::builder().homeserver_url(homeserver).build().await?;
    client
        .matrix_auth()
        .login_username(person, password)
        .initial_device_display_name("boucle demo set-up")
        .send()
        .await?;
    let bot: OwnedUserId = bot
        .try_into()
        .map_err(|error| AdapterError::Config(format!("bot id: {error}")))?;
    for room in rooms {
        let alias = format!("#{}:{server_name}", room.alias_localpart);
        let alias = RoomAliasId::parse(&alias)
            .map_err(|error| AdapterError::Config(format!("{alias}: {error}")))?;
        if client.resolve_room_alias(&alias).await.is_ok() {
            continue;
        }
        let mut request = CreateRoomRequest::new();
        request.name = Some(room.name.clone());
        request.room_alias_name = Some(room.alias_localpart.clone());
        request.invite = vec![bot.clone()];
        client.create_room(request).await?;
    }
    Ok(())
}
