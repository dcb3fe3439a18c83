"""Upper Back Routine: an Alexa skill that coaches a thoracic-spine mobility routine."""
