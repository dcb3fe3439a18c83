"""The Alexa edge: request handlers, the turn, the response mapper, the skill factory and the
bounded Alexa API client."""
