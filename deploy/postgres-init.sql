-- One database per service: they share a server, never a schema.
CREATE DATABASE registration;
CREATE DATABASE scheduling;
CREATE DATABASE notifications;
