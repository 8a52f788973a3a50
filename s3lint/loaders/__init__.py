"""Format adapters: each turns one kind of file into a model `Fragment`."""
