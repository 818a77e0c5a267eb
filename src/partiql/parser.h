// Parser: a hand-written recursive-descent parser for DynamoDB's PartiQL statements, over the
// tokens of lexer.h, producing ast.h.
//
// Grammar (keywords in any case; [] optional, {} repeated):
//   statement := (select | insert | update | delete | exists) [';']
//   select    := SELECT ('*' | path {',' path}) FROM name ['.' name] [WHERE expr]
//                [ORDER BY path [ASC|DESC] {',' path [ASC|DESC]}]
//   insert    := INSERT INTO name VALUE expr
//   update    := UPDATE name (SET path '=' expr {',' path '=' expr} | REMOVE path {',' path})
//                {the same} WHERE expr [RETURNING (ALL|MODIFIED) (OLD|NEW) '*']
//   delete    := DELETE FROM name WHERE expr [RETURNING ALL OLD '*']
//   exists    := EXISTS '(' select ')'
//   expr      := OR of AND of [NOT] predicate
//   predicate := sum [(= | <> | < | <= | > | >=) sum | [NOT] BETWEEN sum AND sum
//                | [NOT] IN (list | '(' expr {',' expr} ')') | IS [NOT] (MISSING | NULL)]
//   sum       := product {(+ | - | ||) product};  product := unary {(* | / | %) unary}
//   unary     := ['-' | '+'] primary
//   primary   := literal | '?' | MISSING | path | name '(' [expr {',' expr}] ')'
//                | '(' expr ')' | '(' select ')' | '[' [expr {',' expr}] ']'
//                | '<<' [expr {',' expr}] '>>' | '{' [expr ':' expr {',' ...}] '}'
//   path      := name {'.' name | '[' (integer | string) ']'};  name := identifier | "quoted"
//
// Errors are ValidationExceptions in DynamoDB's form, "Statement wasn't well formed, can't
// be processed: <what>" (NotWellFormed).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "common/status.h"
#include "partiql/ast.h"

namespace stator::partiql {

Result<Statement> Parse(std::string_view text);

}  // namespace stator::partiql
