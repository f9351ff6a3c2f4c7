package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/vigilproject/vigil"
	"github.com/vigilproject/vigil/sqlite"
)

// adminUserCommand parses the flags of an admin command with a --data flag and NAME argument,
// opens the database and runs fn with the user service. It is the shape of every
// "vigil admin user" command.
func adminUserCommand(e *env, args []string, name, description string, define func(fs *flag.FlagSet),
	fn func(ctx context.Context, users *sqlite.Users, userName string) error) int {
	fs := newFlagSet(e, name, "NAME", description)
	dbf := addDatabaseFlags(fs)
	if define != nil {
		define(fs)
	}
	rest, err := parseArgs(fs, args, e.lookupEnv)
	if err != nil {
		return usageStatus(err)
	}
	if len(rest) != 1 {
		return usageError(fs, "give exactly one user NAME")
	}
	ctx := cliContext()
	db, _, err := openDatabase(ctx, e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer db.Close()
	if err := fn(ctx, sqlite.NewUsers(db), rest[0]); err != nil {
		return failf(fs, "%v", err)
	}
	return exitOK
}

// readPassword returns the password in file (its first line), or a new random one that
// printed says was generated.
func readPassword(e *env, file string) (string, error) {
	if file == "" {
		pw := randomPassword()
		fmt.Fprintln(e.stdout, pw)
		return pw, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("--password-file: %w", err)
	}
	pw, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSuffix(pw, "\r"), nil
}

const passwordFileUsage = "read the password from the first line of `FILE` (default: generate one and print it)"

// runAdminUserAdd is "vigil admin user add".
func runAdminUserAdd(e *env, args []string) int {
	var role, pwFile string
	return adminUserCommand(e, args, "admin user add",
		"Add a user who signs in to the web UI. Without --password-file a random password is\n"+
			"generated and printed on stdout, once. Works while the server runs.",
		func(fs *flag.FlagSet) {
			fs.StringVar(&role, "role", string(vigil.RoleReviewer), "the user's `ROLE`: admin, reviewer or auditor")
			fs.StringVar(&pwFile, "password-file", "", passwordFileUsage)
		},
		func(ctx context.Context, users *sqlite.Users, name string) error {
			pw, err := readPassword(e, pwFile)
			if err != nil {
				return err
			}
			_, err = users.CreateUser(ctx, name, vigil.Role(role), pw)
			return err
		})
}

// runAdminUserPasswd is "vigil admin user passwd".
func runAdminUserPasswd(e *env, args []string) int {
	var pwFile string
	return adminUserCommand(e, args, "admin user passwd",
		"Set a user's password and end their sessions. Without --password-file a random\n"+
			"password is generated and printed on stdout, once.",
		func(fs *flag.FlagSet) { fs.StringVar(&pwFile, "password-file", "", passwordFileUsage) },
		func(ctx context.Context, users *sqlite.Users, name string) error {
			u, err := users.UserByName(ctx, name)
			if err != nil {
				return err
			}
			pw, err := readPassword(e, pwFile)
			if err != nil {
				return err
			}
			return users.SetPassword(ctx, u.ID, pw)
		})
}

// runAdminUserDisable is "vigil admin user disable".
func runAdminUserDisable(e *env, args []string) int {
	var enable bool
	return adminUserCommand(e, args, "admin user disable",
		"Disable a user: they can no longer sign in and their sessions end. --enable undoes it.",
		func(fs *flag.FlagSet) { fs.BoolVar(&enable, "enable", false, "enable the user again instead") },
		func(ctx context.Context, users *sqlite.Users, name string) error {
			u, err := users.UserByName(ctx, name)
			if err != nil {
				return err
			}
			return users.SetDisabled(ctx, u.ID, !enable)
		})
}

// runAdminKeyCreate is "vigil admin key create".
func runAdminKeyCreate(e *env, args []string) int {
	fs := newFlagSet(e, "admin key create", "", "Create an API key and print it on stdout: it is shown only this once and\n"+
		"stored hashed. Programs send it as \"Authorization: Bearer KEY\". Works while the\nserver runs.")
	dbf := addDatabaseFlags(fs)
	name := fs.String("name", "", "what the key is for, shown in the audit log (`NAME`, required)")
	scopes := fs.String("scopes", "", "comma-separated `LIST` of: "+scopeNames())
	rate := fs.Float64("match-rate", 0, "match lookups per second the key may make (`N`; 0: the server default)")
	if err := parseFlags(fs, args, e.lookupEnv); err != nil {
		return usageStatus(err)
	}
	if *name == "" || *scopes == "" {
		return usageError(fs, "--name and --scopes are required")
	}
	var list []vigil.Scope
	for s := range strings.SplitSeq(*scopes, ",") {
		list = append(list, vigil.Scope(strings.TrimSpace(s)))
	}
	ctx := cliContext()
	db, _, err := openDatabase(ctx, e, *dbf, false)
	if err != nil {
		return usageError(fs, "%v", err)
	}
	defer db.Close()
	users := sqlite.NewUsers(db)
	secret, k, err := users.CreateKey(ctx, *name, list)
	if err == nil && *rate != 0 {
		err = users.SetKeyMatchRate(ctx, k.ID, *rate)
	}
	if err != nil {
		if vigil.ErrorCode(err) == vigil.EINVALID {
			return usageError(fs, "%s", vigil.ErrorMessage(err))
		}
		return failf(fs, "%v", err)
	}
	fmt.Fprintln(e.stdout, secret)
	return exitOK
}

// scopeNames lists every API key scope, for the help text.
func scopeNames() string {
	names := make([]string, len(vigil.Scopes))
	for i, s := range vigil.Scopes {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
