//! MQTT topic names and topic filters: which are valid, and which filters match a topic.

/// Checks that `topic` can be published to: not empty, no wildcard, no NUL character.
pub(super) fn check_topic(topic: &str) -> Result<(), String> {
    if topic.is_empty() {
        return Err("an MQTT topic cannot be empty".to_owned());
    }
    if topic.contains(['+', '#', '\0']) {
        return Err(format!(
            "cannot publish to `{topic}`: an MQTT topic name cannot contain `+`, `#` or NUL"
        ));
    }
    Ok(())
}

/// Checks that `filter` can be subscribed to: not empty, `+` only as a whole level and `#`
/// only as the whole last level.
pub(super) fn check_filter(filter: &str) -> Result<(), String> {
    let invalid = || {
        Err(format!(
            "cannot subscribe to `{filter}`: `+` must be a whole level of an MQTT topic filter \
             and `#` the whole last level"
        ))
    };
    if filter.is_empty() {
        return Err("an MQTT topic filter cannot be empty".to_owned());
    }
    if filter.contains('\0') {
        return Err(format!(
            "cannot subscribe to `{filter}`: NUL in the topic filter"
        ));
    }
    let levels: Vec<&str> = filter.split('/').collect();
    for (i, level) in levels.iter().enumerate() {
        let last = i + 1 == levels.len();
        if level.contains('#') && (*level != "#" || !last) {
            return invalid();
        }
        if level.contains('+') && *level != "+" {
            return invalid();
        }
    }
    Ok(())
}

/// Whether the subscription `filter` matches `topic`. A shared subscription
/// (`$share/{group}/{filter}`) matches as its filter; wildcards at the first level do not
/// match topics that start with `$`.
pub(super) fn matches(filter: &str, topic: &str) -> bool {
    let filter = match filter.strip_prefix("$share/") {
        Some(rest) => rest.split_once('/').map_or(rest, |(_, f)| f),
        None => filter,
    };
    if topic.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut topic_levels = topic.split('/');
    for level in filter.split('/') {
        match level {
            "#" => return true,
            "+" => {
                if topic_levels.next().is_none() {
                    return false;
                }
            }
            exact => {
                if topic_levels.next() != Some(exact) {
                    return false;
                }
            }
        }
    }
    topic_levels.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::{check_filter, check_topic, matches};

    #[test]
    fn filters_match_topics_level_by_level() {
        assert!(matches("orders/created", "orders/created"));
        assert!(!matches("orders/created", "orders/created/eu"));
        assert!(!matches("orders/created/eu", "orders/created"));
        assert!(matches("orders/+/eu", "orders/created/eu"));
        assert!(!matches("orders/+", "orders/created/eu"));
        assert!(matches("orders/+", "orders/"));
        assert!(matches("orders/#", "orders"));
        assert!(matches("orders/#", "orders/created/eu"));
        assert!(matches("#", "orders/created"));
        assert!(!matches("#", "$SYS/uptime"));
        assert!(!matches("+/uptime", "$SYS/uptime"));
        assert!(matches("$SYS/#", "$SYS/uptime"));
        assert!(matches("$share/workers/orders/+", "orders/created"));
    }

    #[test]
    fn wildcards_are_checked() {
        assert!(check_filter("orders/+/eu").is_ok());
        assert!(check_filter("orders/#").is_ok());
        assert!(check_filter("#").is_ok());
        assert!(check_filter("orders/#/eu").is_err());
        assert!(check_filter("orders/eu#").is_err());
        assert!(check_filter("orders/eu+").is_err());
        assert!(check_filter("").is_err());
        assert!(check_topic("orders/created").is_ok());
        assert!(check_topic("orders/+").is_err());
        assert!(check_topic("").is_err());
    }
}
