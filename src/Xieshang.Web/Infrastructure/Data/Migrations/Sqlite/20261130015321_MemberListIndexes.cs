using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Xieshang.Web.Infrastructure.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MemberListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Members_PinyinFull",
                table: "Members",
                column: "PinyinFull");

            migrationBuilder.CreateIndex(
                name: "IX_Members_PinyinInitials",
                table: "Members",
                column: "PinyinInitials");

            migrationBuilder.CreateIndex(
                name: "IX_Members_PinyinKey_Id",
                table: "Members",
                columns: new[] { "PinyinKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Members_StrokeKey_Id",
                table: "Members",
                columns: new[] { "StrokeKey", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Members_PinyinFull",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_Members_PinyinInitials",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_Members_PinyinKey_Id",
                table: "Members");

            migrationBuilder.DropIndex(
                name: "IX_Members_StrokeKey_Id",
                table: "Members");
        }
    }
}
