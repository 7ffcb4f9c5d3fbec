"""Mail transports behind the EmailSender port."""
