/** The Hugging Face Hub HTTP API calls the publisher makes: create Space, secrets, variables, runtime. */
package dev.spacegate.space.hub;
