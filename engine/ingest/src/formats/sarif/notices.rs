//! What a run says about the scan itself: failed invocations and error
//! notifications become one-line incomplete-scan notices.

use super::model::{Invocation, Notification};

/// A one-line notice for an invocation that failed or reported errors.
pub(super) fn incomplete_invocation(tool: &str, invocation: &Invocation<'_>) -> Option<String> {
    let failed = invocation.execution_successful == Some(false);
    let errors: Vec<&Notification<'_>> = invocation
        .tool_execution_notifications
        .iter()
        .chain(invocation.tool_configuration_notifications.iter())
        .flatten()
        .filter(|notification| notification.level.as_deref() == Some("error"))
        .collect();
    if !failed && errors.is_empty() {
        return None;
    }
    let mut parts = Vec::new();
    if failed {
        let mut details: Vec<String> = Vec::new();
        if let Some(code) = invocation.exit_code {
            details.push(format!("exit code {code}"));
        }
        for text in [
            &invocation.exit_signal_name,
            &invocation.exit_code_description,
        ]
        .into_iter()
        .flatten()
        {
            details.push(text.to_string());
        }
        parts.push(if details.is_empty() {
            String::from("execution was not successful")
        } else {
            format!("execution was not successful ({})", details.join(", "))
        });
    }
    if let Some(first) = errors.first() {
        let text = first
            .message
            .as_ref()
            .and_then(|m| m.text.as_deref().or(m.markdown.as_deref()))
            .unwrap_or("");
        let plural = if errors.len() == 1 { "" } else { "s" };
        parts.push(format!(
            "{} error notification{plural}, first: {}",
            errors.len(),
            one_line(text, 160)
        ));
    }
    Some(format!(
        "`{tool}` did not complete its analysis: {}",
        parts.join("; ")
    ))
}

/// The first line of `text`, cut to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    match line.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}
