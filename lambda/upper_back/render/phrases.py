"""Everything the skill says around the moves, as plain-text templates.

Words only: no markup (the speech module adds it) and no decisions (navigation makes them).
Fields in braces are filled by the speech module: {n} a move number in words, {name} a move's
spoken name, {side} a side, {total} the number of moves, {moves} the list of moves.
"""

from __future__ import annotations

NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)  # fmt: skip


def number_word(number: int) -> str:
    """Small numbers as words, which Alexa reads more naturally in a count."""
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


# First run, returning in the middle, returning after finishing.
WELCOME_NEW = "Welcome to Upper Back Routine."
OVERVIEW = "{total} moves, about {minutes} minutes."
OFFER_START = "Shall we start?"
WELCOME_BACK_IN_PROGRESS = "Welcome back. You stopped at move {n}, the {name}{side}."
OFFER_RESUME = "Pick up there, or start over?"
WELCOME_BACK_DONE = "Welcome back."
DONE_COUNT = "You have done it {count}."
ONCE = "once"
TIMES = "{count} times"
OFFER_AGAIN = "Go again?"
SAFETY_SHORT = "Stop for sharp or spreading pain, numbness or tingling."
COULD_NOT_LOAD = "I could not reach your saved place just now, so I will start you from the top."
COULD_NOT_REACH = "I could not reach your saved place just now."
# When a stored place could not be used as it was.
MOVE_REMOVED = "The routine has changed since you last used it, so your place was reset."
UNREADABLE_PLACE = "I could not read your saved place, so we will start fresh."
HISTORY_UNREADABLE = "I could not read how many routines you have done, but your place is kept."

# A move.
MOVE_HEADER = "Move {n} of {total}: the {name}."
MOVE_HEADER_SIDE = "Move {n} of {total}: the {name}, {side} side."
SECOND_SIDE = "Now the {name} on your {side} side."
QUICK_HEADER = "{name}{side}."
"""A move in the quick run: its name only (the quick version has no time for "Move two of five")."""
RESUMED = "Picking up where you left off."
NOTHING_TO_RESUME = "There is nothing to pick up, so let's start from the top."
READY = "Ready? Here we go."
SWITCH_SIDES = "Switch to your {side} side."
LAST_ROUND = "Last one."
WELL_DONE = "Nice work."
WELL_DONE_OPTIONS = (WELL_DONE, "Good work.", "Well done.", "Nicely done.")
"""Encouragements after a set, one chosen per place by ``variety.pick``."""
NEXT_SIDE = "Say next for your {side} side, or repeat."
NEXT_SIDE_SHORT = "Say next for your {side} side."
NEXT_MOVE = "Next is the {name}. Say next when ready."
NEXT_MOVE_OPTIONS = (NEXT_MOVE, "Up next, the {name}. Say next when ready.")
NEXT_MOVE_SHORT = ("Say next for the {name}.", "Up next, the {name}: say next.")
"""For somebody who knows the routine: the reprompt still says what to say."""

REPROMPT_MOVE = "Say next to go on, or repeat."

# The end of the routine.
FINISHED = "Well done, you finished the routine."
FINISHED_COUNT = "That makes {count}. See you soon."
FIRST_FINISH = "Your first one. See you soon."
LAST_MOVE_ONLY = "Nice work. That one is worth doing every day, even on its own."

# Navigation answers.
NOT_STARTED = "We have not started yet. Say start to begin with the {name}."
AT_FIRST = "You are already at the first move, the {name}. Say repeat to do it again, or next move."
NO_SUCH_NUMBER = "There is no move {n}."
NO_SUCH_NAME = "I did not catch which move you meant."
NO_OTHER_SIDE = "There is no other side to switch to just now."
MOVE_LIST = "The moves are: {moves}."
HOW_TO_GO_TO = "Say a move's name or number, for example, skip to can openers."
OFFER_RESTART = "Okay. Would you like to start over from the first move instead?"
REPROMPT_RESTART = "Say yes to start over, or no to stop for now."
NOT_NOW = "No rush. Take a breather, and say next move when you are ready."

# Progress.
WHERE = "You are on move {n} of {total}, the {name}{side}."
MINUTES_LEFT = "About {minutes} minutes to go."
MINUTE_LEFT = "About a minute to go."
LEFT_SOME = "After this one, {count} more."
LEFT_NONE = "This is the last one."
NOT_STARTED_PROGRESS = "You have not started a routine yet."

# Help and not understood.
HELP = "I coach {total} moves for a stiff upper back."
HELP_COMMANDS = (
    "Say next move, back, repeat, easier, harder, slower, faster, quick version, "
    "how many are left, or stop."
)
WHAT_NEXT = "What would you like to do?"
FALLBACK = "Sorry, I did not get that."
FALLBACK_COMMANDS = "You can say next move, repeat, or help."
REPROMPT_START = "Say start to begin, or stop to leave."
REPROMPT_RESUME = "Say resume to carry on with the {name}, or start over."
# The open question asked again in help and progress, which already say where the person is:
# short, so help stays within 15 s and progress within 10 s (the reprompt says it in full).
ASK_RESUME = "Shall we pick up where you stopped?"
ASK_RESTART = "Start over from the first move?"
ASK_EASIER = "Easier version? Or say skip."
ASK_SKIP = "Shall we skip this move?"
REPROMPT_GENERAL = "Say next move, repeat, or help."

# Leaving.
PAUSED = "Paused at move {n}, the {name}{side}."
PLACE_SAVED = "Your place is saved."
HOW_TO_COME_BACK = "When you are ready, say: Alexa, ask upper back routine to resume my routine."
GOODBYE_SAVED = "Stopping here. Your place is saved at move {n}, the {name}{side}. Bye for now."
GOODBYE = "Okay. Come back whenever your back needs it. Bye for now."
# When the place could not be saved (or must not be: the stored record is newer than this code).
STOPPING_AT = "Stopping here, at move {n}, the {name}{side}."
NOT_SAVED = "I could not save your place this time."
PICK_UP_FROM = "Next time you can pick up from move {n}, the {name}{side}."
PICK_UP_FROM_START = "Next time you will start from the first move."
BYE = "Bye for now."
FINISH_NOT_SAVED = (
    "I could not record that this time, so next time I may offer to pick up where you were."
)

# When something went wrong on our side: the place is kept.
APOLOGY = "Sorry, something went wrong on my side. Your place is safe. Please say that again."
UNREADABLE = "Sorry, I could not make sense of that request. Your place is safe."

CARD_TITLE = "Upper Back Routine"
SCREEN_PROGRESS = "Move {n} of {total}"
SCREEN_HINT = "Try saying: next move, repeat, or how many are left."
SCREEN_OR_TAP = "Or tap a button."
SCREEN_HINT_ENDED = "To carry on, say: Alexa, open upper back routine."
SCREEN_FINISHED = "Routine complete."
SCREEN_DAYS = "{week} of the last 7 days"
SCREEN_SIDE = "{side} side"
STALE_SCREEN = "That button was on an older screen, so I did nothing."
"""The screen's own words: its hint, the completion and the week (digits are read, not
heard), and what is said for a tap on a screen that no longer shows where the person is."""

# The adaptive coach: "that hurts", versions, pace, detail, the quick run, coming back.
PAUSE_ANYTIME = "You can say Alexa, pause, or Alexa, stop, at any time."
PAIN_STOP = "Okay, stop the move now and rest."
PAIN_RULE = (
    "If the pain is sharp or spreads, or you feel numbness or tingling, stop and get advice "
    "from a health professional. A mild stretch is fine."
)
OFFER_EASIER = "Shall we try the easier version? Or say skip to move on."
REPROMPT_EASIER = "Say yes for the easier version, or skip to move on."
OFFER_SKIP = "This is already the easier version. Shall we skip this move?"
REPROMPT_SKIP = "Say yes to skip this move, or stop to finish for today."
VERSION_EASIER = "Here is the easier version."
VERSION_HARDER = "Here is the harder version."
VERSION_NORMAL = "Back to the usual version."
NO_MOVE_TO_ADJUST = "Say easier or harder during a move to change how it is done."
PACE_SLOWER = "Okay, I will count more slowly where the move allows, from now on."
PACE_FASTER = "Okay, I will count a little faster where the move allows, from now on."
PACE_NORMAL = "Okay, back to the usual pace."
PACE_ALREADY = "That is already the pace I count at."
DETAIL_FULL = "Okay, I will explain each move in full."
DETAIL_SHORT = "Okay, I will keep it short: each move's name and its key cue."
AGAIN_AT_NEW_PACE = "Say repeat to do this move again, or next move to go on."
FINISHED_LAST_TIME = "Welcome back. You finished the {name}{side}."
NEXT_IS_SIDE = "Next is the {side} side."
NEXT_IS_MOVE = "Next is the {name}."
OFFER_GO_ON = "Go on, or repeat it?"
QUICK_START = "The quick version."
PAUSE_ANYTIME_SHORT = "Say Alexa, pause, any time."
"""The "Alexa, pause" line in the quick run, where every second counts."""
QUICK_NEXT = "Say next."
"""After a set in the quick run, only at its first move of a session; the reprompt still says it."""
QUICK_FINISHED = "Well done, that's the quick routine."
DAILY_START = "Just the daily move."

# The daily habit: days done, and the daily reminder. Encouraging, never pressing: a week is
# "N of the last seven days", and a missed day is never called a broken streak.
DAYS_THIS_WEEK = "That's {week} of the last seven days."
WELCOME_DAYS = "{week} of the last seven days."
DAYS_REPORT = "{week} of the last seven days, {month} of the last thirty."
DAYS_NONE = "Nothing in the last thirty days yet. Today is a fine day to start."
DAYS_IN_A_ROW = "{count} days running."
ROUTINES_IN_ALL = "{count} routines in all."
ROUTINE_IN_ALL = "One routine in all."
OFFER_REMINDER = "Would you like a daily reminder?"
REPROMPT_REMINDER = "Shall I set a daily reminder? Say yes or no."
ASK_REMINDER_TIME = "What time each day? For example, eight in the morning."
ASK_REMINDER_CHANGE = "Your reminder is at {time} now. What time would you like instead?"
REPROMPT_REMINDER_TIME = "What time should I remind you each day?"
CONFIRM_REMINDER = "A reminder every day at {time}. Shall I set it?"
CONFIRM_REMINDER_CHANGE = "I will move your daily reminder from {old} to {time}. Okay?"
REPROMPT_CONFIRM = "Shall I set a reminder every day at {time}? Say yes or no."
REMINDER_SET = "Done. I will remind you every day at {time}."
REMINDER_DECLINED = "Okay, no reminder."
REMINDER_CANCELLED = "Okay, your daily reminder is off."
NO_REMINDER = "You don't have a daily reminder set."
REMINDER_NEEDS_PERMISSION = (
    "To set reminders I need your permission. I have sent a card to your Alexa app where you "
    "can allow it."
)
REMINDER_UNSUPPORTED = "Sorry, this device can't set reminders."
REMINDER_NOT_NOW = "Sorry, I couldn't set the reminder just now. Please try again later."
OLD_REMINDER_GONE = "Your earlier reminder is off."
REMINDER_NOT_CANCELLED = (
    "Sorry, I couldn't turn the reminder off just now. Try again later, or remove it in the "
    "Alexa app."
)
PERMISSION_REFUSED = (
    "Okay, no reminder. If you change your mind, you can allow reminders for this skill in the "
    "Alexa app."
)
SEE_YOU = "See you next time."
CANNOT_CHECK = "I can't reach your history just now, so I can't check that. Please try later."
# After "how am I doing", the question still open in a few words (the report stays under 10 s).
DAYS_ASK_START = "Say start, or stop."
DAYS_ASK_GO_ON = "Say next to go on."
DAYS_ASK_RESUME = "Pick up where you stopped?"
DAYS_ASK_RESTART = "Start over?"
DAYS_ASK_SKIP = "Skip this move?"
CARRY_ON = "Say next to carry on."
REMINDER_TEXT = "Time for your daily mobility routine."
"""What the reminder itself says: short, no skill name, nothing medical."""
AM, PM = "AM", "PM"  # no periods: a time often ends a sentence


def clock(hour: int, minute: int) -> str:
    """A time of day as Alexa reads it well: "8 AM", "6:30 PM", "12 PM"."""
    half = AM if hour < 12 else PM
    twelve = hour % 12 or 12
    return f"{twelve} {half}" if minute == 0 else f"{twelve}:{minute:02d} {half}"
